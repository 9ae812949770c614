package org.kemari.ring.blk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalInt;
import org.kemari.ring.BackRing;
import org.kemari.ring.EventDispatch;
import org.kemari.ring.FrontRing;
import org.kemari.ring.Frontend;
import org.kemari.ring.RequestGate;
import org.kemari.ring.RingReattach;
import org.kemari.ring.SharedRing;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.EventChannels;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimGuest;
import org.kemari.xen.sim.SimHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The block backend against a simulated guest: the ring page and data pages are guest frames
 * the guest granted to dom0, mapped with the grant API, and both directions of notification go
 * over a real (simulated) interdomain event channel.
 */
class BlockBackendSimTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long RING_PFN = 200;
    private static final long WRITE_PFN = 201;
    private static final long READ_PFN = 202;

    @TempDir
    Path dir;
    private final SimHost host = new SimHost();
    private final Hypervisor hv = host.open();
    private GrantTables grants;
    private EventChannels events;
    private int domid;
    private SimGuest guest;

    @BeforeEach
    void boot() {
        grants = hv.openGrantTables();
        events = hv.openEventChannels();
        domid = host.createGuest(GuestSpec.memtouch("blkguest").withWorkingSetPages(16).withMemoryMiB(4));
        hv.pause(domid); // the memtouch workload is not needed; the test thread plays the guest's blkfront
        guest = host.guest(domid);
    }

    @AfterEach
    void shutdown() {
        events.close();
        grants.close();
        hv.close();
        host.close();
    }

    @Test
    void aGuestWritesAndReadsThroughGrantsAndEventChannels() throws IOException {
        Path image = dir.resolve("disk.img");
        Files.write(image, new byte[16 * 512]);
        int ringRef = guest.grantAccess(0, RING_PFN, false);
        int writeRef = guest.grantAccess(0, WRITE_PFN, true);
        int readRef = guest.grantAccess(0, READ_PFN, false);
        int guestPort = guest.allocUnboundPort(0);
        int dom0Port = events.bindInterdomain(domid, guestPort);

        // The guest's blkfront works on its own frame; dom0 sees it only through the grant.
        try (ForeignMapping guestOwn = hv.map(domid, new long[] {RING_PFN}, 1, true);
             ForeignMapping granted = grants.mapGrant(domid, ringRef, true)) {
            FrontRing<BlkifRequest, BlkifResponse> front =
                    FrontRing.init(new SharedRing<>(guestOwn.page(0), Blkif.PROTOCOL));
            SharedRing<BlkifRequest, BlkifResponse> backSide = new SharedRing<>(granted.page(0), Blkif.PROTOCOL);
            Frontend frontend = new Frontend(domid, grants, events, dom0Port);
            try (BlockBackend backend = new BlockBackend(new BackRing<>(backSide, 0), frontend,
                    image, false)) {
                EventDispatch dispatch = new EventDispatch(events);
                dispatch.route(backend, RequestGate.DIRECT);

                byte[] data = new byte[1024];
                Arrays.fill(data, (byte) 0x3c);
                guest.memory().write(WRITE_PFN, 512, data, 0, data.length);
                front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, 11, 4, new BlkifSegment(writeRef, 1, 2)));
                assertThat(front.pushRequestsAndCheckNotify()).isTrue();
                guest.notify(guestPort);

                assertThat(dispatch.dispatchOnce(WAIT)).isEqualTo(OptionalInt.of(dom0Port));
                assertThat(guest.awaitEvent(WAIT)).isEqualTo(OptionalInt.of(guestPort));
                assertThat(front.takeResponse()).isEqualTo(new BlkifResponse(11, Blkif.OP_WRITE, Blkif.RSP_OKAY));
                assertThat(Arrays.copyOfRange(Files.readAllBytes(image), 4 * 512, 6 * 512)).isEqualTo(data);

                // A read lands in guest memory through a writable grant mapping, which Xen (and the
                // simulator) logs dirty on unmap: replication sees what the backend wrote.
                hv.enableLogDirty(domid);
                hv.cleanLogDirty(domid, new DirtyBitmap(guest.memory().pages()));
                assertThat(front.finalCheckForResponses()).isFalse();
                front.post(BlkifRequest.of(Blkif.OP_READ, 0, 12, 4, new BlkifSegment(readRef, 0, 1)));
                assertThat(front.pushRequestsAndCheckNotify()).as("backend re-armed req_event").isTrue();
                guest.notify(guestPort);
                assertThat(dispatch.dispatchOnce(WAIT)).isEqualTo(OptionalInt.of(dom0Port));
                assertThat(guest.awaitEvent(WAIT)).isEqualTo(OptionalInt.of(guestPort));
                assertThat(front.takeResponse()).isEqualTo(new BlkifResponse(12, Blkif.OP_READ, Blkif.RSP_OKAY));
                byte[] read = new byte[1024];
                guest.memory().read(READ_PFN, 0, read, 0, read.length);
                assertThat(read).isEqualTo(data);
                DirtyBitmap dirty = new DirtyBitmap(guest.memory().pages());
                hv.peekLogDirty(domid, dirty);
                assertThat(dirty.get(READ_PFN)).as("the read's target frame is logged dirty").isTrue();
            }
        }
    }

    /**
     * Failover: the guest's memory and grant table as of an epoch are copied to a replica domain
     * on a second host, the primary goes on answering (responses lost with it), and a backend on
     * the second host reattaches to the replica's ring.
     */
    @Test
    void aReplicaOnAnotherHostGetsTheUnansweredWritesReplayed() throws IOException {
        Path image = dir.resolve("san.img");
        Files.write(image, new byte[16 * 512]);
        long[] pfns = {RING_PFN, 210, 211, 212, 213};
        int ringRef = guest.grantAccess(0, RING_PFN, false);
        int[] dataRefs = new int[4];
        for (int i = 0; i < 4; i++) {
            byte[] fill = new byte[512];
            Arrays.fill(fill, (byte) (0x10 + i));
            guest.memory().write(pfns[i + 1], 0, fill, 0, fill.length);
            dataRefs[i] = guest.grantAccess(0, pfns[i + 1], true);
        }
        int guestPort = guest.allocUnboundPort(0);
        Frontend primaryEnd = new Frontend(domid, grants, events, events.bindInterdomain(domid, guestPort));

        try (ForeignMapping guestOwn = hv.map(domid, new long[] {RING_PFN}, 1, true);
             ForeignMapping granted = grants.mapGrant(domid, ringRef, true);
             BlockBackend primary = new BlockBackend(new BackRing<>(new SharedRing<>(granted.page(0), Blkif.PROTOCOL), 0),
                     primaryEnd, image, false);
             SimHost secondHost = new SimHost();
             Hypervisor hv2 = secondHost.open();
             GrantTables grants2 = hv2.openGrantTables();
             EventChannels events2 = hv2.openEventChannels()) {
            FrontRing<BlkifRequest, BlkifResponse> front = FrontRing.init(new SharedRing<>(guestOwn.page(0), Blkif.PROTOCOL));
            for (int i = 0; i < 4; i++) {
                front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, i, i, new BlkifSegment(dataRefs[i], 0, 0)));
            }
            front.pushRequests();
            primary.processUpTo(2);

            // The epoch: the paused guest's frames and grant table, applied to a blank replica.
            int replica = hv2.createDomain(DomainConfig.like(hv.domain(domid), "blkguest"));
            try (ForeignMapping from = hv.map(domid, pfns, pfns.length, false);
                 ForeignMapping to = hv2.map(replica, pfns, pfns.length, true)) {
                for (int i = 0; i < pfns.length; i++) {
                    to.page(i).put(from.page(i));
                }
            }
            grants2.restore(replica, grants.snapshot(domid));
            int guestRequestProducer = front.requestProducerPrivate();
            int guestResponseConsumer = front.responseConsumer();
            primary.drain();

            SimGuest replicaGuest = secondHost.guest(replica);
            int replicaPort = replicaGuest.allocUnboundPort(0);
            Frontend secondaryEnd = new Frontend(replica, grants2, events2, events2.bindInterdomain(replica, replicaPort));
            try (ForeignMapping replicaRing = grants2.mapGrant(replica, ringRef, true);
                 ForeignMapping replicaOwn = hv2.map(replica, new long[] {RING_PFN}, 1, true)) {
                RingReattach<BlkifRequest, BlkifResponse> reattach =
                        RingReattach.attach(new SharedRing<>(replicaRing.page(0), Blkif.PROTOCOL));
                assertThat(reattach.outstanding()).isEqualTo(2);
                try (BlockBackend secondary = new BlockBackend(reattach.ring(), secondaryEnd, image, false)) {
                    assertThat(reattach.resume(secondary)).isEqualTo(2);
                }
                assertThat(replicaGuest.awaitEvent(WAIT)).isEqualTo(OptionalInt.of(replicaPort));
                FrontRing<BlkifRequest, BlkifResponse> replicaFront = new FrontRing<>(
                        new SharedRing<>(replicaOwn.page(0), Blkif.PROTOCOL), guestRequestProducer, guestResponseConsumer);
                for (long id = 0; id < 4; id++) {
                    assertThat(replicaFront.takeResponse()).isEqualTo(new BlkifResponse(id, Blkif.OP_WRITE, Blkif.RSP_OKAY));
                }
            }
            byte[] disk = Files.readAllBytes(image);
            for (int i = 0; i < 4; i++) {
                byte[] expected = new byte[512];
                Arrays.fill(expected, (byte) (0x10 + i));
                assertThat(Arrays.copyOfRange(disk, i * 512, (i + 1) * 512)).as("sector %d", i).isEqualTo(expected);
            }
        }
    }
}
