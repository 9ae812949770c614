package org.kemari.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;
import org.kemari.ring.blk.BlkifSegment;
import org.kemari.ring.blk.BlockBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover onto a replicated ring: the primary's guest posts requests, some are answered, the
 * epoch is cut (the ring page copied), the primary goes on answering (responses the secondary
 * never sees), then a fresh backend reattaches to the copy.
 */
class RingReattachTest {
    private final Guest primary = new Guest();
    private final Guest secondary = new Guest();

    /** The replicated state of one epoch: the ring page and the guest driver's private indexes. */
    private record Epoch(SharedRing<BlkifRequest, BlkifResponse> ring, int requestProducerPrivate,
                         int responseConsumer) {
        FrontRing<BlkifRequest, BlkifResponse> guestFrontend() {
            return new FrontRing<>(ring, requestProducerPrivate, responseConsumer);
        }
    }

    private static Epoch cut(FrontRing<BlkifRequest, BlkifResponse> front) {
        ByteBuffer copy = ByteBuffer.allocateDirect(4096);
        copy.put(front.shared().memory()).clear();
        return new Epoch(new SharedRing<>(copy, Blkif.PROTOCOL), front.requestProducerPrivate(),
                front.responseConsumer());
    }

    private static void post(FrontRing<BlkifRequest, BlkifResponse> front, long fromId, int count) {
        for (long id = fromId; id < fromId + count; id++) {
            front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, id, id));
        }
        front.pushRequestsAndCheckNotify();
    }

    private static List<Long> takeAll(FrontRing<BlkifRequest, BlkifResponse> front) {
        List<Long> ids = new ArrayList<>();
        while (front.unconsumedResponses() > 0) {
            BlkifResponse r = front.takeResponse();
            assertThat(r.status()).isEqualTo(Blkif.RSP_OKAY);
            ids.add(r.id());
        }
        return ids;
    }

    private static List<Long> ids(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    /**
     * Posts {@code posted} requests from ring index {@code start}, answers {@code answered},
     * lets the guest consume {@code seen} responses, cuts the epoch, answers the rest on the
     * primary; then reattaches on the secondary and checks replay and what the guest receives.
     */
    private void failover(int start, int posted, int answered, int seen) {
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ringAt(Blkif.PROTOCOL, start);
        RecordingBackend old = new RecordingBackend(Guest.backOf(front), primary.frontend);
        post(front, 0, posted);
        old.processUpTo(start + answered);
        for (int i = 0; i < seen; i++) {
            front.takeResponse();
        }
        Epoch epoch = cut(front);
        old.drain();
        assertThat(old.served).as("the primary answered everything after the cut").isEqualTo(ids(0, posted));

        RingReattach<BlkifRequest, BlkifResponse> reattach = RingReattach.attach(epoch.ring());
        assertThat(reattach.replayFrom()).isEqualTo(start + answered);
        assertThat(reattach.replayTo()).isEqualTo(start + posted);
        assertThat(reattach.outstanding()).isEqualTo(posted - answered);
        RecordingBackend fresh = new RecordingBackend(reattach.ring(), secondary.frontend);
        assertThat(reattach.resume(fresh)).isEqualTo(posted - answered);

        assertThat(fresh.served).as("exactly the unanswered requests, in order").isEqualTo(ids(answered, posted));
        assertThat(takeAll(epoch.guestFrontend())).as("the guest gets every response it has not consumed")
                .isEqualTo(ids(seen, posted));
        assertThat(epoch.ring().requestEvent()).as("req_event re-armed for the next request")
                .isEqualTo(start + posted + 1);
        assertThat(secondary.events.sent(Guest.PORT)).isPositive();
    }

    @Test
    void unansweredRequestsAreReplayedInOrder() {
        failover(0, 10, 6, 4);
    }

    @Test
    void replayAcrossTheIndexWrapAt2To32() {
        failover(-4, 10, 3, 3);
    }

    @Test
    void aFullRingOfUnansweredRequestsIsReplayedWhole() {
        failover(0, 32, 0, 0);
    }

    @Test
    void aFullRingAfterTheGuestMovedOnIsReplayedWhole() {
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
        RecordingBackend old = new RecordingBackend(Guest.backOf(front), primary.frontend);
        post(front, 0, 32);
        old.processUpTo(5);
        assertThat(takeAll(front)).isEqualTo(ids(0, 5));
        post(front, 32, 5);
        assertThat(front.isFull()).isTrue();
        Epoch epoch = cut(front);

        RingReattach<BlkifRequest, BlkifResponse> reattach = RingReattach.attach(epoch.ring());
        RecordingBackend fresh = new RecordingBackend(reattach.ring(), secondary.frontend);
        reattach.resume(fresh);
        assertThat(fresh.served).isEqualTo(ids(5, 37));
        assertThat(takeAll(epoch.guestFrontend())).isEqualTo(ids(5, 37));
    }

    @Test
    void nothingOutstandingStillSignalsTheGuestOnce() {
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
        RecordingBackend old = new RecordingBackend(Guest.backOf(front), primary.frontend);
        post(front, 0, 3);
        old.drain();
        takeAll(front);
        front.finalCheckForResponses();
        Epoch epoch = cut(front);

        RingReattach<BlkifRequest, BlkifResponse> reattach = RingReattach.attach(epoch.ring());
        RecordingBackend fresh = new RecordingBackend(reattach.ring(), secondary.frontend);
        assertThat(reattach.resume(fresh)).isZero();
        assertThat(fresh.served).isEmpty();
        assertThat(secondary.events.sent(Guest.PORT)).as("no response crossed rsp_event; one unconditional signal")
                .isEqualTo(1);
    }

    @Test
    void aStaleReqEventIsFixedSoTheGuestsNextRequestNotifies() {
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
        RecordingBackend old = new RecordingBackend(Guest.backOf(front), primary.frontend);
        post(front, 0, 4);
        old.processUpTo(2); // the primary's backend was mid-batch: req_event still 1
        Epoch epoch = cut(front);
        assertThat(epoch.ring().requestEvent()).isEqualTo(1);

        RingReattach<BlkifRequest, BlkifResponse> reattach = RingReattach.attach(epoch.ring());
        reattach.resume(new RecordingBackend(reattach.ring(), secondary.frontend));
        FrontRing<BlkifRequest, BlkifResponse> guest = epoch.guestFrontend();
        guest.post(BlkifRequest.of(Blkif.OP_READ, 0, 99, 0));
        assertThat(guest.pushRequestsAndCheckNotify()).isTrue();
    }

    @Test
    void anInconsistentReplicaIsRefused() {
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
        front.shared().setResponseProducer(5);
        front.shared().setRequestProducer(3);
        assertThatThrownBy(() -> RingReattach.attach(front.shared())).isInstanceOf(RingProtocolException.class)
                .hasMessage("replicated blkif ring is inconsistent: req_prod 3 vs rsp_prod 5 in a ring of 32 slots");
    }

    @Test
    void resumeNeedsABackendOnTheReattachedRing() {
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
        RingReattach<BlkifRequest, BlkifResponse> reattach = RingReattach.attach(front.shared());
        RecordingBackend elsewhere = new RecordingBackend(Guest.backOf(front), secondary.frontend);
        assertThatThrownBy(() -> reattach.resume(elsewhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the blkif backend given to resume is not built on this reattached ring");
    }

    @Test
    void replayedWritesLeaveSharedStorageAsThePrimaryLeftIt(@TempDir Path dir) throws IOException {
        Path image = dir.resolve("san.img");
        Files.write(image, new byte[8 * 512]);
        FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
        int a = primary.grants.grantFilled(0xaa);
        int b = primary.grants.grantFilled(0xbb);
        int c = primary.grants.grantFilled(0xcc);
        front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, 1, 0, new BlkifSegment(a, 0, 0)));
        front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, 2, 1, new BlkifSegment(b, 0, 0)));
        front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, 3, 0, new BlkifSegment(c, 0, 0)));
        front.post(BlkifRequest.of(Blkif.OP_FLUSH_DISKCACHE, 0, 4, 0));
        front.pushRequests();
        try (BlockBackend old = new BlockBackend(Guest.backOf(front), primary.frontend, image, false)) {
            old.processUpTo(1);
            Epoch epoch = cut(front);
            old.drain();
            byte[] primaryLeft = Files.readAllBytes(image);

            RingReattach<BlkifRequest, BlkifResponse> reattach = RingReattach.attach(epoch.ring());
            // The secondary maps the same grants: the grant table is replicated with the memory.
            try (BlockBackend fresh = new BlockBackend(reattach.ring(), primary.frontend, image, false)) {
                assertThat(reattach.resume(fresh)).isEqualTo(3);
            }
            assertThat(Files.readAllBytes(image)).isEqualTo(primaryLeft);
            assertThat(takeAll(epoch.guestFrontend())).containsExactly(1L, 2L, 3L, 4L);
        }
    }
}
