package org.kemari.xen.sim.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.kemari.ring.guest.FrontendParams;
import org.kemari.ring.guest.DeviceBackends;
import org.kemari.ring.guest.GateFactory;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kemari.ring.RequestGate;
import org.kemari.ring.guest.GateFactory.Device;
import org.kemari.ring.net.TcpPacketLink;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestInfoPage;
import org.kemari.xen.sim.SimHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The io guest end to end on simulated hosts: real rings, grants and event channels between the
 * guest program and dom0's backends, a disk image file, acknowledgements over loopback TCP; and
 * a replica on a second host continuing the guest after the primary is lost mid-request.
 */
class IoGuestTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final IoGuestConfig CONFIG = IoGuestConfig.demo("ioguest").withBlocks(8).withWriteInterval(4)
            .withStepsPerSecond(4000);

    @TempDir
    Path dir;
    private final SimHost host = new SimHost();
    private final Hypervisor hv = host.open();
    private final SimHost secondHost = new SimHost();
    private final Hypervisor hv2 = secondHost.open();

    @AfterEach
    void shutdown() {
        hv2.close();
        secondHost.close();
        hv.close();
        host.close();
    }

    @Test
    void blocksOnDiskAndAcknowledgementsTellTheSameContiguousStory() throws Exception {
        Path image = image();
        int domid = IoGuestBoot.boot(host, CONFIG);
        List<Ack> acks;
        try (AckSink sink = new AckSink(); TcpPacketLink link = new TcpPacketLink(sink.address())) {
            try (DeviceBackends devices = DeviceBackends.connect(hv, domid, image, link, GateFactory.DIRECT)) {
                sink.awaitSeq(3 * CONFIG.blocks(), WAIT); // every block overwritten a few times
                hv.pause(domid);
                assertThat(devices.failure()).isEmpty();
            }
            acks = sink.acks();
            assertThat(sink.problems()).isEmpty();
        }
        assertThat(host.crashReason(domid)).isNull();
        assertThat(acks.get(0).seq()).isZero();
        assertThat(DiskCheck.outputViolations(acks)).isEmpty();
        assertThat(DiskCheck.diskViolations(image, CONFIG.blocks(), acks)).isEmpty();
        for (int i = 1; i < acks.size(); i++) {
            assertThat(acks.get(i).progress()).as("progress counter in ack %d", i).isGreaterThan(acks.get(i - 1).progress());
        }
    }

    /**
     * Replication copies only logged pages, so every frame the guest writes through a ring view
     * must be logged, and polling a ring must not be. Stepped by hand on the paused guest, with
     * no backend: the write stays posted.
     */
    @Test
    void theFramesTheGuestWritesAreLoggedDirtyAndPollingIsNot() {
        int domid = IoGuestBoot.boot(host, CONFIG.withWriteInterval(1000).withStepsPerSecond(1));
        hv.pause(domid);
        hv.enableLogDirty(domid);
        DirtyBitmap dirty = new DirtyBitmap(hv.domain(domid).maxPages());
        hv.cleanLogDirty(domid, dirty);
        host.runSteps(domid, 1000);
        assertThat(infoWord(hv, domid, IoGuestLayout.STATE)).isEqualTo(IoGuestLayout.STATE_WRITE_POSTED);
        hv.cleanLogDirty(domid, dirty);
        assertThat(List.of(GuestInfoPage.PFN, IoGuestLayout.BLK_RING_PFN, IoGuestLayout.BLK_DATA_PFN))
                .allMatch(dirty::get);
        assertThat(List.of(IoGuestLayout.TX_RING_PFN, IoGuestLayout.TX_BUFFER_PFN)).noneMatch(dirty::get);

        host.runSteps(domid, 50);
        hv.cleanLogDirty(domid, dirty);
        assertThat(dirty.get(GuestInfoPage.PFN)).isTrue();
        assertThat(dirty.get(IoGuestLayout.BLK_RING_PFN)).as("ring page after 50 polls").isFalse();
        assertThat(host.crashReason(domid)).isNull();
    }

    @Test
    void theGuestAdvertisesItsRingsInXenstoreWhereLinuxFrontendsDo() {
        int domid = IoGuestBoot.boot(host, CONFIG);
        FrontendParams params = FrontendParams.of(hv, domid);
        assertThat(params.blkPort()).isEqualTo(1);
        assertThat(params.txPort()).isEqualTo(2);
        try (var store = hv.openXenStore()) {
            params.requireAdvertisedIn(store, domid);
            assertThat(store.read("/local/domain/" + domid + "/device/vbd/51712/ring-ref"))
                    .contains(Integer.toString(params.blkRingRef()));
            store.write("/local/domain/" + domid + "/device/vif/0/event-channel", "7");
            assertThatThrownBy(() -> params.requireAdvertisedIn(store, domid))
                    .hasMessageContaining("device/vif/0/event-channel is '7'");
        }
    }

    /**
     * Direct gates that check they get each ring with its replay done: event-tap's gate serves
     * what is published when it attaches, on its own thread, which must not race the replay
     * (found by the failover bench as crossed ring indexes on the replica).
     */
    private static final GateFactory GATED_AFTER_REPLAY = (device, backend) -> {
        assertThat(backend.ring().requestConsumer()).as(device + " replayed before its gate attaches")
                .isEqualTo(backend.ring().requestProducer());
        return RequestGate.DIRECT;
    };

    /**
     * The primary dies with one request of {@code held} published and unanswered (its gate holds
     * it, as event-tap would while waiting for the secondary). The replica, built only through the
     * Hypervisor API from the paused primary, gets that request replayed and goes on.
     */
    @ParameterizedTest
    @EnumSource(Device.class)
    void aReplicaContinuesTheGuestWithTheHeldRequestReplayed(Device held) throws Exception {
        Path image = image();
        int domid = IoGuestBoot.boot(host, CONFIG);
        HoldingGates gates = new HoldingGates(held);
        try (AckSink sink = new AckSink()) {
            try (TcpPacketLink link = new TcpPacketLink(sink.address());
                 DeviceBackends primary = DeviceBackends.connect(hv, domid, image, link, gates)) {
                sink.awaitSeq(5, WAIT);
                gates.holding.set(true);
                assertThat(gates.held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("a request was held").isTrue();
                hv.pause(domid);
                assertThat(primary.failure()).isEmpty();
            }
            assertThat(infoWord(hv, domid, IoGuestLayout.STATE)).isEqualTo(held == Device.BLOCK
                    ? IoGuestLayout.STATE_WRITE_POSTED : IoGuestLayout.STATE_ACK_POSTED);
            long heldSeq = infoWord(hv, domid, IoGuestLayout.SEQ);
            int replica = replicate(domid);
            hv.destroy(domid);

            List<Ack> acks = failOver(replica, image, sink, heldSeq + 10, GATED_AFTER_REPLAY);
            assertThat(acks).filteredOn(a -> a.seq() == heldSeq).as("acknowledgement of the held write").isNotEmpty();
        }
    }

    /**
     * Without event-tap the primary goes on after the epoch: its later writes and acknowledgements
     * escape. The replica, started from the epoch, must repeat them identically (same blocks,
     * same hashes): the guest's state is all in what was copied. Two vcpus, so the memory-only
     * vcpu is copied along.
     */
    @Test
    void aReplicaOfAnOlderEpochRepeatsTheEscapedOutputIdentically() throws Exception {
        Path image = image();
        IoGuestConfig twoVcpus = CONFIG.withVcpus(2);
        int domid = IoGuestBoot.boot(host, twoVcpus);
        try (AckSink sink = new AckSink()) {
            int replica;
            long escapedUpTo;
            try (TcpPacketLink link = new TcpPacketLink(sink.address());
                 DeviceBackends primary = DeviceBackends.connect(hv, domid, image, link, GateFactory.DIRECT)) {
                sink.awaitSeq(3, WAIT);
                hv.pause(domid);
                replica = replicate(domid);
                long epochSeq = infoWord(hv, domid, IoGuestLayout.SEQ);
                hv.unpause(domid);
                sink.awaitSeq(epochSeq + 8, WAIT);
                hv.pause(domid);
                escapedUpTo = infoWord(hv, domid, IoGuestLayout.SEQ); // nothing beyond can have been sent
                assertThat(primary.failure()).isEmpty();
            }
            hv.destroy(domid);
            List<Ack> acks = failOver(replica, image, sink, escapedUpTo + 4, GateFactory.DIRECT);
            assertThat(acks.stream().mapToLong(Ack::seq).distinct().count()).as("the escaped acks came again")
                    .isLessThan(acks.size());
        }
    }

    @Test
    void reattachRefusesAReplicaWhosePortsCannotBeRecreatedInBootOrder() throws Exception {
        Path image = image();
        int domid = IoGuestBoot.boot(host, CONFIG);
        hv.pause(domid);
        int replica = replicate(domid);
        hv2.allocUnboundPort(replica, 0); // takes port 1, which the guest's vbd uses
        try (AckSink sink = new AckSink(); TcpPacketLink link = new TcpPacketLink(sink.address())) {
            assertThatThrownBy(() -> DeviceBackends.reattach(hv2, replica, image, link, GateFactory.DIRECT))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("got event-channel ports vbd 2 / vif 3 but its guest uses 1 / 2");
        }
    }

    @Test
    void connectRefusesADiskImageTooSmallForTheGuest() throws IOException {
        Path image = dir.resolve("small.img");
        Files.write(image, new byte[4096]);
        int domid = IoGuestBoot.boot(host, CONFIG);
        assertThatThrownBy(() -> DeviceBackends.connect(hv, domid, image, null, GateFactory.DIRECT))
                .hasMessageContaining("small.img is 4096 bytes; dom" + domid + " writes 8 blocks");
    }

    /**
     * Reattaches backends to the loaded replica, runs it until write {@code untilSeq} is
     * acknowledged, and checks the whole story the sink and the disk tell; returns the acks.
     */
    private List<Ack> failOver(int replica, Path image, AckSink sink, long untilSeq, GateFactory gates) throws Exception {
        try (TcpPacketLink link = new TcpPacketLink(sink.address());
             DeviceBackends secondary = DeviceBackends.reattach(hv2, replica, image, link, gates)) {
            hv2.unpause(replica);
            sink.awaitSeq(untilSeq, WAIT);
            hv2.pause(replica);
            assertThat(secondary.failure()).isEmpty();
        }
        assertThat(secondHost.crashReason(replica)).isNull();
        List<Ack> acks = sink.acks();
        assertThat(sink.problems()).isEmpty();
        assertThat(DiskCheck.outputViolations(acks)).isEmpty();
        assertThat(DiskCheck.diskViolations(image, CONFIG.blocks(), acks)).isEmpty();
        return acks;
    }

    private Path image() throws IOException {
        Path image = dir.resolve("san.img");
        Files.write(image, new byte[Math.toIntExact(CONFIG.imageBytes())]);
        return image;
    }

    /** Memory, HVM context and grant table of paused {@code domid} into a blank domain on the second host. */
    private int replicate(int domid) {
        int replica = hv2.createDomain(DomainConfig.like(hv.domain(domid), "ioguest"));
        long pages = hv.domain(domid).maxPages();
        int batch = 512;
        for (long first = 0; first < pages; first += batch) {
            int n = (int) Math.min(batch, pages - first);
            long[] pfns = new long[n];
            for (int i = 0; i < n; i++) {
                pfns[i] = first + i;
            }
            try (ForeignMapping from = hv.map(domid, pfns, n, false); ForeignMapping to = hv2.map(replica, pfns, n, true)) {
                for (int i = 0; i < n; i++) {
                    to.page(i).duplicate().put(from.page(i).duplicate());
                }
            }
        }
        hv2.setHvmContext(replica, hv.hvmContext(domid));
        try (GrantTables from = hv.openGrantTables(); GrantTables to = hv2.openGrantTables()) {
            to.restore(replica, from.snapshot(domid));
        }
        return replica;
    }

    private static long infoWord(Hypervisor hv, int domid, int offset) {
        try (ForeignMapping info = hv.map(domid, new long[] {GuestInfoPage.PFN}, 1, false)) {
            return info.page(0).duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
        }
    }

    /** Direct gates, except that once {@link #holding} is set the chosen device's requests stay on the ring. */
    private static final class HoldingGates implements GateFactory {
        final AtomicBoolean holding = new AtomicBoolean();
        final CountDownLatch held = new CountDownLatch(1);
        private final Device device;

        HoldingGates(Device device) {
            this.device = device;
        }

        @Override
        public RequestGate gateFor(Device d, org.kemari.ring.RingBackend backend) {
            if (d != device) {
                return RequestGate.DIRECT;
            }
            return b -> {
                if (holding.get()) {
                    held.countDown();
                } else {
                    RequestGate.DIRECT.requestsPublished(b);
                }
            };
        }
    }
}
