package org.kemari.bench;

import java.time.Duration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Function;
import org.kemari.ring.EventDispatch;
import org.kemari.ring.Frontend;
import org.kemari.ring.RequestGate;
import org.kemari.ring.RingBackend;
import org.kemari.ring.RingReattach;
import org.kemari.ring.SharedRing;
import org.kemari.ring.net.NetRxBackend;
import org.kemari.ring.net.NetTxBackend;
import org.kemari.ring.net.Netif;
import org.kemari.ring.net.PacketLink;
import org.kemari.xen.EventChannels;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.guest.RequestServerBoot;

/**
 * Dom0's netback for a request server's vif: the transmit half behind a {@link RequestGate}
 * (event-tap holds replies there), the receive half delivering each frame from the wire as it
 * comes. Receive is never held: a request changes only the guest, whose state the next epoch
 * carries (see {@link NetRxBackend}). Two threads: one dispatches the vif's events to the
 * transmit gate, one pumps the wire into the receive ring.
 */
final class VifBackends implements AutoCloseable {
    private static final Duration WAIT = Duration.ofMillis(50);
    private final OpenedStack resources = new OpenedStack("the vif backends");
    private final Thread dispatcher;
    private final Thread receiver;
    private NetRxBackend rx;
    private volatile boolean stopping;
    private volatile Throwable failure;

    /**
     * Attaches to the vif and starts both threads; {@code gateFor} is given the transmit backend
     * and returns the gate its notifications go through.
     */
    VifBackends(Hypervisor hv, RequestServerBoot.Vif vif, PacketLink wire, Function<RingBackend, RequestGate> gateFor) {
        EventDispatch dispatch;
        try {
            GrantTables grants = opened(hv.openGrantTables());
            EventChannels events = opened(hv.openEventChannels());
            ForeignMapping rxRing = opened(grants.mapGrant(vif.domid(), vif.rxRingRef(), true));
            ForeignMapping txRing = opened(grants.mapGrant(vif.domid(), vif.txRingRef(), true));
            int local = events.bindInterdomain(vif.domid(), vif.port());
            resources.push(() -> events.unbind(local));
            Frontend frontend = new Frontend(vif.domid(), grants, events, local);
            rx = new NetRxBackend(RingReattach.attach(new SharedRing<>(rxRing.page(0), Netif.RX)).ring(), frontend, wire);
            NetTxBackend tx = opened(new NetTxBackend(RingReattach.attach(new SharedRing<>(txRing.page(0), Netif.TX)).ring(),
                    frontend, wire));
            RequestGate gate = gateFor.apply(tx);
            dispatch = new EventDispatch(events);
            dispatch.route(tx, gate);
            // replies posted before dom0 listened go through the gate as if just notified
            gate.requestsPublished(tx);
            frontend.signal();
        } catch (RuntimeException e) {
            try {
                closeResources();
            } catch (RuntimeException also) {
                e.addSuppressed(also);
            }
            throw e;
        }
        EventDispatch routed = dispatch;
        dispatcher = running("kemari-bench-vif-tx", () -> routed.dispatchOnce(WAIT));
        receiver = running("kemari-bench-vif-rx", () -> rx.pump(WAIT));
    }

    private interface Loop {
        void once() throws Exception;
    }

    private Thread running(String name, Loop loop) {
        Thread t = new Thread(() -> {
            try {
                while (!stopping) {
                    loop.once();
                }
            } catch (Exception e) {
                if (!stopping) {
                    failure = e;
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private <T extends AutoCloseable> T opened(T resource) {
        return resources.push(resource);
    }

    /** Frames the receive half dropped because the guest had no buffer posted. */
    long dropped() {
        return rx.dropped();
    }

    /** Why a thread stopped on its own, if one did. */
    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops both threads, then unbinds the port and unmaps the rings; the wire stays its opener's. */
    @Override
    public void close() {
        stopping = true;
        for (Thread t : new Thread[] {dispatcher, receiver}) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeResources();
    }

    private void closeResources() {
        try {
            resources.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
