package org.kemari.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventTapTest {
    private static final Set<RequestKind.DeviceClass> BOTH = EnumSet.allOf(RequestKind.DeviceClass.class);

    /** A ring whose requests are just kinds in a list, indexed from a chosen start. */
    static final class ListRing implements TappedRing {
        final List<RequestKind> requests = new ArrayList<>();
        final int base;
        int released;
        int rearms;

        ListRing(int base) {
            this.base = base;
            this.released = base;
        }

        void post(RequestKind... kinds) {
            requests.addAll(List.of(kinds));
        }

        @Override
        public String name() {
            return "vbd/51712";
        }

        @Override
        public int requestProducer() {
            return base + requests.size();
        }

        @Override
        public RequestKind classify(int index) {
            return requests.get(index - base);
        }

        @Override
        public boolean rearm(int observed) {
            rearms++;
            return false;
        }

        @Override
        public void releaseTo(int index) {
            assertThat(index - released).as("release never moves back").isGreaterThanOrEqualTo(0);
            released = index;
        }
    }

    /** An engine whose epochs become durable when the test says so. */
    static final class ManualBarrier implements ReleaseBarrier {
        final List<CompletableFuture<Long>> syncs = new ArrayList<>();
        final List<CompletableFuture<Long>> timed = new ArrayList<>();

        @Override
        public CompletableFuture<Long> syncNow() {
            CompletableFuture<Long> f = new CompletableFuture<>();
            syncs.add(f);
            return f;
        }

        @Override
        public CompletableFuture<Long> nextEpoch() {
            CompletableFuture<Long> f = new CompletableFuture<>();
            timed.add(f);
            return f;
        }
    }

    private final ManualBarrier barrier = new ManualBarrier();
    private final AtomicBoolean gate = new AtomicBoolean(true);
    private final AtomicLong clock = new AtomicLong();

    private EventTap tap(SyncMode mode, Set<RequestKind.DeviceClass> tapped) {
        return new EventTap(barrier, mode, tapped, gate::get, clock::get);
    }

    @Test
    void outputIsHeldUntilItsEpochIsDurable() {
        EventTap tap = tap(SyncMode.EVENT, BOTH);
        ListRing ring = new ListRing(0);
        tap.attach(ring);
        ring.post(RequestKind.BLOCK_OUTPUT, RequestKind.BLOCK_OUTPUT);
        tap.onNotify(ring);
        assertThat(ring.released).isZero();
        assertThat(barrier.syncs).hasSize(1);
        assertThat(tap.stats().holding()).isEqualTo(2);
        assertThat(tap.heldLog().heldCount()).isEqualTo(2);

        clock.addAndGet(700_000);
        barrier.syncs.get(0).complete(1L);
        assertThat(ring.released).isEqualTo(2);
        assertThat(tap.stats().holding()).isZero();
        assertThat(tap.stats().meanHoldNanos()).isEqualTo(700_000);
        assertThat(tap.heldLog().heldCount()).isZero();
    }

    @Test
    void readsPassAtOnceButWaitBehindHeldOutput() {
        EventTap tap = tap(SyncMode.EVENT, BOTH);
        ListRing ring = new ListRing(0);
        tap.attach(ring);
        ring.post(RequestKind.BLOCK_INPUT);
        tap.onNotify(ring);
        assertThat(ring.released).as("a lone read is not held").isEqualTo(1);
        assertThat(barrier.syncs).isEmpty();

        ring.post(RequestKind.BLOCK_OUTPUT);
        tap.onNotify(ring);
        ring.post(RequestKind.BLOCK_INPUT);
        tap.onNotify(ring);
        assertThat(ring.released).as("the read queues behind the write (rings are FIFO)").isEqualTo(1);
        barrier.syncs.get(0).complete(7L);
        assertThat(ring.released).isEqualTo(3);
    }

    @Test
    void releaseFollowsRingOrderEvenIfALaterEpochCompletesFirst() {
        EventTap tap = tap(SyncMode.EVENT, BOTH);
        ListRing ring = new ListRing(0);
        tap.attach(ring);
        ring.post(RequestKind.BLOCK_OUTPUT);
        tap.onNotify(ring);
        ring.post(RequestKind.BLOCK_OUTPUT);
        tap.onNotify(ring);
        barrier.syncs.get(1).complete(2L);
        assertThat(ring.released).isZero();
        barrier.syncs.get(0).complete(1L);
        assertThat(ring.released).isEqualTo(2);
    }

    @Test
    void untappedDeviceClassesAreNotHeld() {
        EventTap tap = tap(SyncMode.EVENT, EnumSet.of(RequestKind.DeviceClass.NET));
        ListRing ring = new ListRing(0);
        tap.attach(ring);
        ring.post(RequestKind.BLOCK_OUTPUT);
        tap.onNotify(ring);
        assertThat(ring.released).isEqualTo(1);
        assertThat(barrier.syncs).isEmpty();
    }

    @Test
    void periodicModeWaitsForTheEnginesOwnEpoch() {
        EventTap tap = tap(SyncMode.PERIODIC, BOTH);
        ListRing ring = new ListRing(0);
        tap.attach(ring);
        ring.post(RequestKind.NET_OUTPUT);
        tap.onNotify(ring);
        assertThat(barrier.syncs).isEmpty();
        assertThat(barrier.timed).hasSize(1);
        barrier.timed.get(0).complete(3L);
        assertThat(ring.released).isEqualTo(1);
    }

    @Test
    void aClosedGateKeepsAcknowledgedOutputInUntilItOpens() {
        EventTap tap = tap(SyncMode.HYBRID, BOTH);
        ListRing ring = new ListRing(0);
        tap.attach(ring);
        ring.post(RequestKind.BLOCK_OUTPUT);
        tap.onNotify(ring);
        gate.set(false);
        barrier.syncs.get(0).complete(1L);
        assertThat(ring.released).as("witness lease lapsed").isZero();
        tap.pump();
        assertThat(ring.released).isZero();
        gate.set(true);
        tap.pump();
        assertThat(ring.released).isEqualTo(1);
    }

    @Test
    void aFailedEngineReleasesNothingAndSaysWhy() {
        EventTap tap = tap(SyncMode.EVENT, BOTH);
        ListRing ring = new ListRing(0);
        tap.attach(ring);
        ring.post(RequestKind.BLOCK_OUTPUT);
        tap.onNotify(ring);
        barrier.syncs.get(0).completeExceptionally(new IllegalStateException("fenced by generation 3"));
        tap.pump();
        assertThat(ring.released).isZero();
        assertThat(tap.failure()).hasMessageContaining("fenced");
    }

    @Test
    void indexesWrapAroundAt32Bits() {
        EventTap tap = tap(SyncMode.EVENT, BOTH);
        ListRing ring = new ListRing(-2);
        tap.attach(ring);
        ring.post(RequestKind.BLOCK_OUTPUT, RequestKind.BLOCK_INPUT, RequestKind.BLOCK_OUTPUT, RequestKind.BLOCK_INPUT);
        tap.onNotify(ring);
        HeldLog log = tap.heldLog();
        assertThat(log.rings().get(0).held()).extracting(HeldLog.Held::index).containsExactly(-2, 0);
        barrier.syncs.get(0).complete(1L);
        assertThat(ring.released).isEqualTo(2);
    }

    @Test
    void spuriousNotifiesAreHarmless() {
        EventTap tap = tap(SyncMode.EVENT, BOTH);
        ListRing ring = new ListRing(5);
        tap.attach(ring);
        tap.onNotify(ring);
        tap.onNotify(ring);
        assertThat(barrier.syncs).isEmpty();
        assertThat(ring.released).isEqualTo(5);
    }

    @Test
    void aNotifyFromAnUnattachedRingIsAnError() {
        EventTap tap = tap(SyncMode.EVENT, BOTH);
        assertThatThrownBy(() -> tap.onNotify(new ListRing(0))).hasMessageContaining("vbd/51712").hasMessageContaining("not attached");
    }

    @Test
    void heldLogRoundTripsAndRejectsGarbage() {
        HeldLog log = new HeldLog(List.of(new HeldLog.Ring("vif/0", 10, 12,
                List.of(new HeldLog.Held(10, RequestKind.NET_OUTPUT), new HeldLog.Held(11, RequestKind.NET_OUTPUT)))));
        assertThat(HeldLog.decode(log.encode())).isEqualTo(log);
        byte[] bytes = log.encode();
        assertThatThrownBy(() -> HeldLog.decode(java.util.Arrays.copyOf(bytes, 6)))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> HeldLog.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .hasMessageContaining("claims 2 held requests");
        bytes[bytes.length - 1] = 99;
        assertThatThrownBy(() -> HeldLog.decode(bytes)).hasMessageContaining("unknown request kind 99");
    }
}
