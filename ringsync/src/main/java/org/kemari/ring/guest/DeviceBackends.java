package org.kemari.ring.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.kemari.ring.EventDispatch;
import org.kemari.ring.Frontend;
import org.kemari.ring.RequestGate;
import org.kemari.ring.RingBackend;
import org.kemari.ring.RingReattach;
import org.kemari.ring.SharedRing;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;
import org.kemari.ring.blk.BlockBackend;
import org.kemari.ring.guest.GateFactory.Device;
import org.kemari.ring.net.NetTxBackend;
import org.kemari.ring.net.Netif;
import org.kemari.ring.net.NetifTxRequest;
import org.kemari.ring.net.NetifTxResponse;
import org.kemari.ring.net.PacketLink;
import org.kemari.xen.EventChannels;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenStore;

/**
 * Dom0's side of an {@link IoGuest}'s devices: a block backend on the shared disk image and a
 * transmit backend on a {@link PacketLink}, attached to the guest's rings through its grants,
 * bound to its event-channel ports, with a {@link RequestGate} per backend chosen by a
 * {@link GateFactory}, and one dispatch thread running them.
 *
 * <p>Both entry points attach each back ring at the ring's {@code rsp_prod}
 * ({@link RingReattach}), so requests the guest published before dom0 arrived are served and
 * none is skipped. Closing stops the thread and releases mappings, ports and handles; the disk
 * image is closed with the block backend, the packet link belongs to the caller.
 */
public final class DeviceBackends implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeviceBackends.class.getName());
    /** Bounds each wait for an event, hence how long close() waits for the thread to notice. */
    private static final Duration DISPATCH_WAIT = Duration.ofMillis(50);
    private static final long STOP_WAIT_MILLIS = 5000;

    private final int domid;
    private final Deque<AutoCloseable> resources;
    private final BlockBackend block;
    private final NetTxBackend netTx;
    private final EventDispatch dispatch;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private DeviceBackends(int domid, Deque<AutoCloseable> resources, BlockBackend block, NetTxBackend netTx,
                           EventDispatch dispatch) {
        this.domid = domid;
        this.resources = resources;
        this.block = block;
        this.netTx = netTx;
        this.dispatch = dispatch;
        this.thread = new Thread(this::run, "kemari-devices-d" + domid);
        this.thread.setDaemon(true);
    }

    /**
     * Connects the backends of running io guest {@code domid} (on the primary): the frontend
     * parameters come from the guest's info page and must match what it advertised in xenstore.
     * Requests already published go through the gates, then the frontends are signalled.
     */
    public static DeviceBackends connect(Hypervisor hv, int domid, Path image, PacketLink link, GateFactory gates) {
        FrontendParams params = FrontendParams.of(hv, domid);
        try (XenStore store = hv.openXenStore()) {
            params.requireAdvertisedIn(store, domid);
        }
        return start(hv, domid, params, image, link, gates, false);
    }

    /**
     * Failover on the secondary: reattaches backends to a replica of an io guest. The caller has
     * loaded the replica (paused) with the primary's memory, vcpu/HVM context and grant-table
     * snapshot ({@link GrantTables#restore}); it unpauses the replica after this returns.
     *
     * <p>Event channels are hypervisor state that replication does not copy, so the replica's
     * ports are re-created here with {@link Hypervisor#allocUnboundPort} in the order the guest
     * allocated them at boot (vbd, then vif). Xen hands out the lowest free port, so on a replica
     * with no other ports they get the numbers the guest recorded in its info page; if not (the
     * replica already had ports, or the guest allocated more since boot) the guest would notify
     * ports nobody listens on, so this fails. That is the limit of re-creating ports by order.
     * The frontend entries are then re-advertised in the secondary's xenstore, each ring is
     * reattached at its replicated {@code rsp_prod}, the requests in {@code [rsp_prod, req_prod)}
     * are replayed directly (bypassing the gates: after failover there is no peer to hold them
     * for), the frontends are signalled, and later notifications go through the gates.
     *
     * @throws IllegalStateException if the replica is not paused, carries no io-guest parameters,
     *                               or its re-created ports differ from the recorded ones
     */
    public static DeviceBackends reattach(Hypervisor hv, int replicaDomid, Path image, PacketLink link,
                                          GateFactory gates) {
        if (!hv.domain(replicaDomid).paused()) {
            throw new IllegalStateException("reattach: replica dom" + replicaDomid
                    + " is not paused; load it and reattach before unpausing");
        }
        FrontendParams params = FrontendParams.of(hv, replicaDomid);
        int blkPort = hv.allocUnboundPort(replicaDomid, 0);
        int txPort = hv.allocUnboundPort(replicaDomid, 0);
        if (blkPort != params.blkPort() || txPort != params.txPort()) {
            throw new IllegalStateException("reattach: replica dom" + replicaDomid + " got event-channel ports vbd "
                    + blkPort + " / vif " + txPort + " but its guest uses " + params.blkPort() + " / " + params.txPort()
                    + " (recorded in its info page); ports are re-created in boot order, which needs a replica with no"
                    + " other ports");
        }
        try (XenStore store = hv.openXenStore()) {
            params.advertise(store, "/local/domain/" + replicaDomid + "/");
        }
        return start(hv, replicaDomid, params, image, link, gates, true);
    }

    private static DeviceBackends start(Hypervisor hv, int domid, FrontendParams params, Path image, PacketLink link,
                                        GateFactory gates, boolean replay) {
        requireImageHolds(image, params.blocks(), domid);
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            GrantTables grants = opened(resources, hv.openGrantTables());
            EventChannels events = opened(resources, hv.openEventChannels());
            ForeignMapping blkRing = opened(resources, grants.mapGrant(domid, params.blkRingRef(), true));
            ForeignMapping txRing = opened(resources, grants.mapGrant(domid, params.txRingRef(), true));
            RingReattach<BlkifRequest, BlkifResponse> blkAttach =
                    RingReattach.attach(new SharedRing<>(blkRing.page(0), Blkif.PROTOCOL));
            RingReattach<NetifTxRequest, NetifTxResponse> txAttach =
                    RingReattach.attach(new SharedRing<>(txRing.page(0), Netif.TX));
            Frontend blkEnd = bound(resources, domid, grants, events, params.blkPort());
            Frontend txEnd = bound(resources, domid, grants, events, params.txPort());
            BlockBackend block = opened(resources, new BlockBackend(blkAttach.ring(), blkEnd, image, false));
            NetTxBackend netTx = opened(resources, new NetTxBackend(txAttach.ring(), txEnd, link));

            if (replay) {
                // before the gates exist: a gate may serve what is published when it attaches,
                // on a thread of its own, and two threads consuming one ring cross its indexes
                blkAttach.resume(block);
                txAttach.resume(netTx);
            }
            EventDispatch dispatch = new EventDispatch(events);
            RequestGate blkGate = gates.gateFor(Device.BLOCK, block);
            RequestGate txGate = gates.gateFor(Device.NET_TX, netTx);
            dispatch.route(block, blkGate);
            dispatch.route(netTx, txGate);
            if (!replay) {
                catchUp(block, blkGate);
                catchUp(netTx, txGate);
            }
            DeviceBackends devices = new DeviceBackends(domid, resources, block, netTx, dispatch);
            devices.thread.start();
            return devices;
        } catch (RuntimeException e) {
            closeAll(resources, e);
            throw e;
        }
    }

    /** Treats requests published before dom0 was listening as if the frontend had just notified. */
    private static void catchUp(RingBackend backend, RequestGate gate) {
        gate.requestsPublished(backend);
        backend.frontend().signal();
    }

    private static Frontend bound(Deque<AutoCloseable> resources, int domid, GrantTables grants, EventChannels events,
                                  int guestPort) {
        int local = events.bindInterdomain(domid, guestPort);
        resources.push(() -> events.unbind(local));
        return new Frontend(domid, grants, events, local);
    }

    private static <T extends AutoCloseable> T opened(Deque<AutoCloseable> resources, T resource) {
        resources.push(resource);
        return resource;
    }

    private static void requireImageHolds(Path image, long blocks, int domid) {
        long needed = blocks * WorkloadFormat.BLOCK_SIZE;
        long size;
        try {
            size = Files.size(image);
        } catch (IOException e) {
            throw new UncheckedIOException("disk image " + image + " for dom" + domid + ": " + e.getMessage(), e);
        }
        if (size < needed) {
            throw new IllegalArgumentException("disk image " + image + " is " + size + " bytes; dom" + domid + " writes "
                    + blocks + " blocks of " + WorkloadFormat.BLOCK_SIZE + " bytes, which needs " + needed);
        }
    }

    public int domid() {
        return domid;
    }

    public BlockBackend block() {
        return block;
    }

    public NetTxBackend netTx() {
        return netTx;
    }

    /** Why the dispatch thread stopped on its own (a gate or backend threw), if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    private void run() {
        try {
            while (!stopping) {
                dispatch.dispatchOnce(DISPATCH_WAIT);
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.log(Level.ERROR, "dom" + domid + " device backends stopped: " + e, e);
        }
    }

    /**
     * Stops the dispatch thread (waiting for a gate call in progress, at most 5 s, then
     * interrupting it), then closes backends, unbinds ports and unmaps rings.
     */
    @Override
    public void close() {
        stopping = true;
        join();
        if (thread.isAlive()) {
            thread.interrupt();
            join();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("dom" + domid + " device dispatch thread did not stop within "
                    + 2 * STOP_WAIT_MILLIS + " ms; its gate is stuck");
        }
        closeAll(resources, null);
    }

    private void join() {
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes in reverse order of opening; the first failure is thrown, or added to {@code cause}. */
    private static void closeAll(Deque<AutoCloseable> resources, RuntimeException cause) {
        RuntimeException first = cause;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing device backends: " + e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null && first != cause) {
            throw first;
        }
    }
}
