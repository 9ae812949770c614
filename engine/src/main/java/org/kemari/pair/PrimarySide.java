package org.kemari.pair;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.kemari.config.PairConfig;
import org.kemari.config.TapDevice;
import org.kemari.dm.DeviceModels;
import org.kemari.dm.PlatformCapture;
import org.kemari.ft.EpochId;
import org.kemari.ft.send.EpochSender;
import org.kemari.ft.send.ReplicationException;
import org.kemari.ft.send.SenderConfig;
import org.kemari.ft.send.SenderListener;
import org.kemari.ft.send.SyncProgress;
import org.kemari.ft.wire.StreamException;
import org.kemari.ft.transport.AuthenticationException;
import org.kemari.ft.transport.Link;
import org.kemari.ft.transport.Transport;
import org.kemari.tap.EventTap;
import org.kemari.tap.RequestKind;
import org.kemari.tap.SyncMode;
import org.kemari.tap.TapGate;
import org.kemari.tap.WitnessLease;
import org.kemari.xen.DomainState;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenException;

/**
 * The primary's daemon (docs/failover.md): serves the guest's devices through event-tap,
 * replicates to the secondary whenever one is reachable (full resync on every new connection),
 * runs degraded while none is, and renews the witness lease throughout. A renewal that finds
 * another owner means the secondary took over: the guest here is paused and destroyed at once.
 */
final class PrimarySide {
    private final PairConfig pair;
    private final Hypervisor hv;
    private final int domid;
    private final GuestDevices devices;
    private final PhaseReporter phase;
    private final PrintStream log;
    private final WitnessLease witness;
    private final SyncListener progress;
    private final ProtectionBarrier barrier = new ProtectionBarrier();
    private volatile boolean fenced;
    /** The guest was handed over to the secondary (controlled switchover): this daemon ends. */
    private volatile boolean handedOver;
    private Thread renewer;
    /** A failed-over replica served here: until a secondary first answers, it reports failed-over, not degraded. */
    private boolean failedOver;
    /** Whether the last attempt found the secondary unreachable: said once, not every heartbeat. */
    private boolean unreachable;
    /** Whether the guest was seen stopped by itself (said once). */
    private boolean guestStopped;
    /** Whether this run was ever protected: a peer rejected from the start is a setup error, later a passing one. */
    private boolean everProtected;
    /** Consecutive attempts the secondary rejected (authentication) or answered in another protocol. */
    private int rejectedInARow;
    /** How long to wait before the next attempt: the heartbeat timeout, backed off while the peer rejects us. */
    private Duration retryIn;

    /** A peer that rejects us this many times in a row before this run was ever protected ends it. */
    static final int GIVE_UP_AFTER = 4;
    /** The longest wait between attempts on a rejecting peer. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** Initial-sync progress for the command line's progress bar. */
    interface SyncListener {
        void progress(SyncProgress p);
    }

    PrimarySide(PairConfig pair, Hypervisor hv, int domid, GuestDevices devices, PhaseReporter phase, PrintStream log,
                WitnessLease witness, SyncListener progress) {
        this.pair = pair;
        this.hv = hv;
        this.domid = domid;
        this.devices = devices;
        this.phase = phase;
        this.log = log;
        this.witness = witness;
        this.progress = progress;
    }

    /**
     * How the guest's devices come to be served through event-tap's gate: started on the running
     * guest by a primary, re-attached to the replica at failover.
     */
    interface DeviceStart {
        AutoCloseable start(TapGate gate) throws Exception;
    }

    /** Runs until stopped; returns false if this host was fenced (the secondary took over). */
    boolean run() throws InterruptedException {
        return serve(gate -> devices.serve(hv, domid, gate));
    }

    /**
     * A failed-over replica made primary of the reversed pair: {@code activation} re-attaches its
     * devices through the gate and unpauses it; from then on it runs degraded ("failed-over")
     * until the other host runs a receiver again, which gets a full resync, and the pair is
     * protected again with no operator command. The lease is the one taken at failover.
     */
    boolean serveFailedOver(DeviceStart activation) throws InterruptedException {
        failedOver = true;
        return serve(activation);
    }

    private boolean serve(DeviceStart start) throws InterruptedException {
        if (!witness.claimIfFree()) {
            WitnessLease.Record r = witness.read();
            throw new IllegalStateException("the witness lease " + witness.file() + " is held by " + r.owner()
                    + " (generation " + r.generation() + "): the guest may be running there; refusing to protect a second copy");
        }
        EventTap tap = new EventTap(barrier, pair.sync().mode(), deviceClasses(), this::mayRelease, System::nanoTime);
        renewer = renewer(tap);
        // renewed from the claim on: starting the devices may restart a device model (failover on Xen)
        renewer.start();
        try (TapGate gate = new TapGate(tap); AutoCloseable served = start.start(gate)) {
            while (!phase.stopRequested() && !fenced && !handedOver) {
                retryIn = pair.heartbeat().timeout();
                protectOnce(gate);
                if (phase.switchoverRequested() && !handedOver) {
                    phase.refuseSwitchover("not protected (" + phase.phase() + "): no secondary holds a replica to hand the guest to");
                }
                if (!phase.stopRequested() && !fenced && !handedOver) {
                    watchGuest();
                    phase.awaitStop(retryIn);
                }
            }
        } catch (InterruptedException | EngineException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("dom " + domid + ": " + e.getMessage(), e);
        } finally {
            renewer.interrupt();
            renewer.join(5000);
        }
        return !fenced && !handedOver;
    }

    /** True once the guest was handed over to the secondary (controlled switchover). */
    boolean handedOver() {
        return handedOver;
    }

    /**
     * Says once when the guest stopped by itself (crashed, shut down, dying, gone): its output
     * then ends for a reason of its own, which the log must name rather than leave the operator
     * to suspect replication. The pair runs on; a restarted guest is a new domain.
     */
    private void watchGuest() {
        if (guestStopped) {
            return;
        }
        String why;
        try {
            DomainState s = hv.domain(domid).state();
            if (s != DomainState.SHUTDOWN && s != DomainState.CRASHED && s != DomainState.DYING) {
                return;
            }
            why = "is " + s.name().toLowerCase(Locale.ROOT);
        } catch (XenException e) {
            why = "is gone (" + e.getMessage() + ")";
        }
        guestStopped = true;
        log.println("kemari: protect: " + pair.name() + ": WARNING: the guest dom " + domid + " " + why + "; it sends no more output");
    }

    private boolean mayRelease() {
        return !fenced && witness.isValid();
    }

    /** One protected period: connect, full resync, epochs until the secondary is lost. */
    private void protectOnce(TapGate gate) throws InterruptedException {
        EventTap tap = gate.tap();
        Link link;
        try {
            link = Transport.connect(PairTransport.address(pair.secondary()), PairTransport.of(pair.security()));
        } catch (AuthenticationException e) {
            rejected(EngineException.Kind.AUTHENTICATION, PairPhase.AUTH_FAILED, "failed authentication", e);
            return;
        } catch (IOException e) {
            phase.report(unlessStalled(barrier.protectedNow() ? PairPhase.PROTECTED : alone()), 0);
            if (!unreachable) {
                log.println("kemari: protect: " + pair.name() + ": secondary " + pair.secondary().host() + ":"
                        + pair.secondary().port() + " unreachable (" + e.getMessage() + "); running UNPROTECTED; retrying every "
                        + pair.heartbeat().timeout().toMillis() + " ms");
            }
            unreachable = true;
            return;
        }
        unreachable = false;
        SenderConfig sc = SenderConfig.defaults()
                .withFeatures(PairTransport.features(pair.compression()))
                .withMaxInterval(pair.sync().mode() == SyncMode.EVENT
                        ? pair.sync().maxEpochInterval() : pair.sync().interval())
                .withMaxInFlight(pair.sync().maxInFlight())
                .withGroupCommit(pair.sync().groupCommit())
                .withTimeouts(pair.heartbeat().interval(), pair.heartbeat().timeout());
        try (PlatformCapture platform = PlatformCapture.open(hv, domid, DeviceModels.of(hv));
             EpochSender sender = new EpochSender(hv, domid, link, sc);
             DeviceStream deviceStream = devices.stream(sender, this::warn)) {
            sender.addContributor(new TapContributor(gate));
            sender.addContributor(platform);
            platform.failoverRefusal(pair.domain()).ifPresent(why -> log.println("kemari: protect: " + pair.name()
                    + ": WARNING: the replica is kept up to date, but failover to it will be refused: " + why));
            sender.listener(new SenderListener() {
                @Override
                public void progress(SyncProgress p) {
                    progress.progress(p);
                }

                @Override
                public void warning(String message) {
                    warn(message);
                }

                @Override
                public void failed(String reason) {
                    log.println("kemari: protect: " + pair.name() + ": replication to " + link.peer() + " failed: " + reason);
                }
            });
            phase.report(unlessStalled(PairPhase.SYNCING), 0);
            log.println("kemari: protect: " + pair.name() + ": initial synchronisation of dom " + domid + " to " + link.peer());
            EpochId first;
            try {
                first = sender.start();
            } catch (IOException | RuntimeException e) {
                StreamException foreign = streamError(e);
                if (everProtected || foreign == null) {
                    throw e;
                }
                barrier.protectWith(null);
                rejected(EngineException.Kind.PROTOCOL, alone(), "speaks another protocol", foreign);
                return;
            }
            EpochId ready = deviceStream.ready(first, () -> phase.stopRequested() || fenced);
            if (ready == null) {
                return;
            }
            everProtected = true;
            if (rejectedInARow > 0) {
                log.println("kemari: protect: " + pair.name() + ": secondary " + link.peer() + " accepted us again");
            }
            rejectedInARow = 0;
            barrier.protectWith(sender);
            log.println("kemari: protect: " + pair.name() + ": protected from " + ready);
            while (sender.failure() == null && !phase.stopRequested() && !fenced) {
                if (phase.switchoverRequested() && switchOver(sender, tap, link.peer())) {
                    return;
                }
                phase.report(unlessStalled(PairPhase.PROTECTED), sender.lastDurable().number());
                phase.timings(sender::timings);
                watchGuest();
                phase.awaitStop(Duration.ofMillis(100));
            }
            barrier.protectWith(null);
            if (sender.failure() != null && !fenced) {
                phase.report(unlessStalled(PairPhase.DEGRADED), sender.lastDurable().number());
                log.println("kemari: protect: " + pair.name() + ": secondary lost; running UNPROTECTED (degraded) until it returns");
            }
        } catch (EngineException e) {
            barrier.protectWith(null);
            throw e;
        } catch (IOException | RuntimeException e) {
            barrier.protectWith(null);
            phase.report(unlessStalled(alone()), 0);
            log.println("kemari: protect: " + pair.name() + ": replication failed: " + (e.getMessage() != null ? e.getMessage() : e.toString())
                    + "; running UNPROTECTED");
        }
    }

    /**
     * Controlled switchover (docs/ft-transaction.md §6.3): the guest is paused for good, a final
     * epoch is acknowledged, the output it held goes out, the stream ends with HANDOVER, and only
     * then is the lease given up and the paused guest here destroyed. If the secondary does not
     * acknowledge, nothing is handed over: the guest runs on here and the request is refused.
     */
    private boolean switchOver(EpochSender sender, EventTap tap, String peer) {
        phase.switchoverServed();
        log.println("kemari: protect: " + pair.name() + ": switchover to " + peer + ": pausing dom " + domid + " for the final epoch");
        try {
            hv.pause(domid);
        } catch (XenException e) {
            phase.refuseSwitchover("cannot pause dom " + domid + ": " + e.getMessage());
            return false;
        }
        EpochId last;
        try {
            last = sender.handOver();
        } catch (ReplicationException e) {
            hv.unpause(domid);
            barrier.protectWith(null);
            log.println("kemari: protect: " + pair.name() + ": switchover failed: " + e.getMessage() + "; dom " + domid + " runs on here");
            phase.refuseSwitchover(e.getMessage() + "; dom " + domid + " runs on here");
            return false;
        }
        awaitReleased(tap);
        handedOver = true;
        // no renewal may follow the release
        renewer.interrupt();
        try {
            renewer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        witness.release();
        phase.report(PairPhase.HANDED_OVER, last.number());
        log.println("kemari: protect: " + pair.name() + ": handed over to " + peer + " at " + last
                + "; witness lease released; destroying the paused dom " + domid + " here");
        try {
            hv.destroy(domid);
        } catch (XenException e) {
            log.println("kemari: protect: " + pair.name() + ": could not destroy the handed-over dom " + domid + ": " + e.getMessage());
        }
        return true;
    }

    /**
     * Every epoch is acknowledged, so everything held may go: it must be out before the lease
     * is, or the guest's output could appear from both hosts. Bounded by the heartbeat timeout;
     * then one heartbeat interval for a release another thread already took to finish.
     */
    private void awaitReleased(EventTap tap) {
        long deadline = System.nanoTime() + pair.heartbeat().timeout().toNanos();
        try {
            tap.pump();
            while (tap.heldLog().heldCount() > 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
                tap.pump();
            }
            Thread.sleep(pair.heartbeat().interval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = tap.heldLog().heldCount();
        if (left > 0) {
            log.println("kemari: protect: " + pair.name() + ": WARNING: " + left + " output request(s) still held at the handover;"
                    + " the secondary performs them again from its replica");
        }
    }

    private void warn(String message) {
        log.println("kemari: protect: " + pair.name() + ": WARNING: " + message);
    }

    /** The phase while no secondary protects the guest. */
    private PairPhase alone() {
        return failedOver && !everProtected ? PairPhase.FAILED_OVER : PairPhase.DEGRADED;
    }

    /** The stream error (the peer's bytes are not kemari's stream) that {@code e} reports, if any. */
    private static StreamException streamError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamException se) {
                return se;
            }
        }
        return null;
    }

    /**
     * The secondary rejected this host (a different pre-shared key, an untrusted certificate) or
     * answered in another protocol: that will not pass by itself, so it is its own state with one
     * log line, not "unreachable" every heartbeat. Retries back off (heartbeat timeout, doubling,
     * up to {@link #MAX_BACKOFF}); if this run was never protected, the {@link #GIVE_UP_AFTER}th
     * rejection in a row ends it with {@code kind}. The guest keeps running unprotected meanwhile.
     */
    private void rejected(EngineException.Kind kind, PairPhase p, String what, IOException e) {
        rejectedInARow++;
        String peer = pair.secondary().host() + ":" + pair.secondary().port();
        // a failed-over guest is served whatever its peer does: giving up would end it
        if (!everProtected && !failedOver && rejectedInARow >= GIVE_UP_AFTER) {
            phase.report(unlessStalled(p), 0);
            throw new EngineException(kind, pair.name() + ": secondary " + peer + " " + what + " " + rejectedInARow
                    + " times in a row, and this pair was never protected: " + e.getMessage());
        }
        long factor = 1L << Math.min(rejectedInARow - 1, 16);
        Duration backoff = pair.heartbeat().timeout().multipliedBy(factor);
        retryIn = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
        phase.report(unlessStalled(p), 0);
        if (rejectedInARow == 1) {
            log.println("kemari: protect: " + pair.name() + ": secondary " + peer + " " + what + " (" + e.getMessage()
                    + "); running UNPROTECTED; retrying with back-off up to " + MAX_BACKOFF.toSeconds() + "s"
                    + (everProtected ? "" : ", giving up after " + GIVE_UP_AFTER + " attempts"));
        }
    }

    /**
     * While the lease is lapsed output is held whatever the link does, so status must say
     * stalled; the replication loop's periodic reports would otherwise overwrite it.
     */
    private PairPhase unlessStalled(PairPhase p) {
        return witness.isValid() ? p : PairPhase.STALLED;
    }

    private Thread renewer(EventTap tap) {
        Thread t = new Thread(() -> {
            long period = Math.max(10, witness.duration().toMillis() / 4);
            while (!Thread.currentThread().isInterrupted() && !fenced) {
                boolean ok = witness.renew();
                if (!ok) {
                    WitnessLease.Record r = safeRead();
                    if (r != null && !(r.owner().equals(witness.owner()) && r.generation() == witness.generation())) {
                        fence(r);
                        return;
                    }
                    if (!witness.isValid() && phase.phase() != PairPhase.STALLED) {
                        phase.report(PairPhase.STALLED, 0);
                        log.println("kemari: protect: " + pair.name() + ": cannot renew the witness lease " + witness.file()
                                + "; guest output is held until it can");
                    }
                } else {
                    tap.pump();
                }
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "kemari-witness");
        t.setDaemon(true);
        return t;
    }

    private WitnessLease.Record safeRead() {
        try {
            return witness.read();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void fence(WitnessLease.Record r) {
        fenced = true;
        barrier.fence();
        phase.report(PairPhase.FENCED, 0);
        log.println("kemari: protect: " + pair.name() + ": FENCED: " + r.owner() + " took the witness lease (generation "
                + r.generation() + "); destroying dom " + domid + " here");
        try {
            hv.pause(domid);
            hv.destroy(domid);
        } catch (XenException e) {
            log.println("kemari: protect: " + pair.name() + ": could not destroy fenced dom " + domid + ": " + e.getMessage());
        }
    }


    private Set<RequestKind.DeviceClass> deviceClasses() {
        Set<RequestKind.DeviceClass> s = EnumSet.noneOf(RequestKind.DeviceClass.class);
        for (TapDevice d : pair.tap()) {
            s.add(d == TapDevice.BLOCK ? RequestKind.DeviceClass.BLOCK : RequestKind.DeviceClass.NET);
        }
        return s;
    }
}
