package org.kemari.pair;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.kemari.config.PairConfig;
import org.kemari.dm.DeviceModels;
import org.kemari.dm.HvmTakeover;
import org.kemari.ft.EpochConsumer;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.receive.ReceiverConfig;
import org.kemari.ft.receive.ReceiverOutcome;
import org.kemari.ft.receive.ReplicaFactory;
import org.kemari.ft.transport.Link;
import org.kemari.ft.transport.Transport;
import org.kemari.tap.HeldLog;
import org.kemari.tap.TapGate;
import org.kemari.tap.WitnessLease;
import org.kemari.xen.Hypervisor;

/**
 * The secondary's daemon (docs/failover.md): keeps a paused replica at the last committed epoch
 * of whatever primary connects, and when that primary goes silent takes the witness lease,
 * re-attaches the guest's devices and unpauses the replica. Serves the failed-over guest until
 * stopped, as the primary of the reversed pair: it protects the guest back to the other host as
 * soon as a receiver runs there (docs/failover.md, "Re-protection"). A rejected or ended stream
 * costs the replica, never the daemon: it waits for the next connection.
 */
final class SecondarySide {
    private static final Duration POLL = Duration.ofMillis(50);

    private final PairConfig pair;
    private final Hypervisor hv;
    private final ReplicaFactory replicas;
    /**
     * The lease as it was when the pending operator-failover request was first seen; null when
     * none is pending. The receive loop observes the lease every poll, so contention alone rarely
     * sees the primary's renewals: a record that changes after the request is the refusal.
     */
    private WitnessLease.Record leaseAtRequest;
    private final GuestDevices devices;
    private final PhaseReporter phase;
    private final PrintStream log;
    private final WitnessLease witness;
    private final AtomicReference<HeldLog> lastHeld = new AtomicReference<>();
    private final HvmTakeover platform;
    /** The timing of the stream that ended last: a failover's split if it is taken over. */
    private FailoverSplit split;

    /** receive --manual-failover: a lost primary is taken over only when `kemari failover` asks. */
    private final boolean manualFailover;
    /** Resync progress once the failed-over guest is protected again. */
    private final PrimarySide.SyncListener progress;

    SecondarySide(PairConfig pair, Hypervisor hv, ReplicaFactory replicas, GuestDevices devices, PhaseReporter phase,
                  PrintStream log, WitnessLease witness, boolean manualFailover, PrimarySide.SyncListener progress) {
        this.progress = progress;
        this.manualFailover = manualFailover;
        this.pair = pair;
        this.hv = hv;
        this.replicas = replicas;
        this.devices = devices;
        this.phase = phase;
        this.log = log;
        this.witness = witness;
        this.platform = new HvmTakeover(DeviceModels.of(hv), log);
    }

    /** Runs until stopped; returns true if this host failed over and served the guest. */
    boolean run() throws IOException, InterruptedException {
        Transport.Acceptor acceptor = Transport.listen(PairTransport.address(pair.secondary()),
                PairTransport.of(pair.security()));
        log.println("kemari: receive: " + pair.name() + ": listening on " + acceptor.address() + " (" + acceptor.mode() + ")");
        ReceiverOutcome takenOver = null;
        try (Connections incoming = new Connections(acceptor, log)) {
            while (takenOver == null && !phase.stopRequested()) {
                phase.report(PairPhase.RECEIVING, 0);
                Link link = incoming.next(phase);
                if (link == null) {
                    break;
                }
                ReceiverOutcome outcome = receive(link, incoming);
                if (outcome == null) {
                    break;
                }
                log.println("kemari: receive: " + pair.name() + ": stream ended: " + outcome);
                // a handover ends the stream as a lost primary does, with the lease already released
                if ((outcome.kind() == ReceiverOutcome.Kind.PRIMARY_LOST || outcome.kind() == ReceiverOutcome.Kind.HANDED_OVER)
                        && outcome.replicaValid()) {
                    if (takeOver(outcome, incoming)) {
                        takenOver = outcome;
                    }
                } else {
                    discard(outcome.replicaDomid());
                }
            }
        }
        if (takenOver == null) {
            return false;
        }
        // the listener is closed first: protecting the guest again connects to the other host,
        // and on one machine (tests, the testbed) that must never reach this daemon's own port
        serveFailedOver(takenOver.replicaDomid(), takenOver.lastCommitted());
        return true;
    }

    private ReceiverOutcome receive(Link link, Connections incoming) throws InterruptedException {
        ReceiverConfig rc = ReceiverConfig.defaults(pair.replicaName())
                .withFeatures(PairTransport.features(pair.compression()))
                .withTimeouts(pair.heartbeat().interval(), pair.heartbeat().timeout());
        try (EpochReceiver rx = new EpochReceiver(hv, replicas, link, rc)) {
            rx.addConsumer(EpochConsumer.of(OpaqueRecord.Kind.EVENT_TAP_LOG, (epoch, records) -> keepHeldLog(records)));
            platform.forget(hv, rx::replicaDomid);
            rx.addConsumer(platform);
            devices.receive(rx);
            rx.start();
            log.println("kemari: receive: " + pair.name() + ": " + link.peer() + " connected");
            // The lease is watched as often as the primary renews it: a takeover waits one lease
            // duration from the renewal it saw last, so a renewal seen late delays the failover.
            long watchMillis = Math.min(POLL.toMillis(), pair.heartbeat().interval().toMillis());
            long nextReport = System.nanoTime();
            while (true) {
                try {
                    ReceiverOutcome outcome = rx.outcome().get(watchMillis, TimeUnit.MILLISECONDS);
                    split = new FailoverSplit(rx.lastHeardNanos(), System.nanoTime(), manualFailover);
                    return outcome;
                } catch (TimeoutException e) {
                    watchLease();
                    if (System.nanoTime() - nextReport < 0) {
                        continue;
                    }
                    nextReport = System.nanoTime() + POLL.toNanos();
                    phase.report(PairPhase.RECEIVING, rx.lastCommitted().number());
                    if (rx.lastCommitted().number() > 0) {
                        platform.prepare(hv, rx.replicaDomid());
                    }
                    phase.timings(rx::timings);
                    if (phase.stopRequested()) {
                        rx.close();
                        discard(rx.replicaDomid());
                        return null;
                    }
                    if (!phase.failoverRequested()) {
                        leaseAtRequest = null;
                    } else if (witnessUnrenewed(rx)) {
                        log.println("kemari: receive: " + pair.name() + ": operator failover: the primary has not renewed the lease for "
                                + witness.duration() + "; dropping its stream");
                        long lastHeard = rx.lastHeardNanos();
                        rx.close();
                        split = new FailoverSplit(lastHeard, System.nanoTime(), true);
                        // close() completes the outcome as CLOSED; for failover this is a lost primary
                        return new ReceiverOutcome(ReceiverOutcome.Kind.PRIMARY_LOST, "operator failover",
                                rx.replicaDomid(), rx.lastCommitted());
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException("receiver failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    /**
     * Tracks the primary's renewals while all is well, so that once it dies the lease can be
     * taken one lease duration after its last renewal, not one duration after we noticed.
     */
    private void watchLease() {
        try {
            witness.observe();
        } catch (RuntimeException e) {
            // an unreadable witness only matters at takeover, where it is reported
        }
    }

    /**
     * A manual failover may only proceed when automatic failover could: the lease must have gone
     * unrenewed for a whole duration. Until then the operator is told the primary is alive.
     */
    private boolean witnessUnrenewed(EpochReceiver rx) {
        WitnessLease.Record now = leaseRecord();
        if (leaseAtRequest == null) {
            // first look at this request: a renewal from here on means the primary is alive
            leaseAtRequest = now;
        } else if (now != null && !now.equals(leaseAtRequest)) {
            refuseWhileRenewed();
            return false;
        }
        WitnessLease.Contention c = witness.contend();
        if (c == WitnessLease.Contention.HELD) {
            refuseWhileRenewed();
        }
        return c == WitnessLease.Contention.ACQUIRED;
    }

    private void refuseWhileRenewed() {
        leaseAtRequest = null;
        phase.refuseFailover("the primary still renews the witness lease " + witness.file()
                + "; stop it first (kemari unprotect on the primary) or wait for it to die");
    }

    private WitnessLease.Record leaseRecord() {
        try {
            return witness.read();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void keepHeldLog(java.util.List<OpaqueRecord> records) {
        for (OpaqueRecord r : records) {
            if (r.kind() == OpaqueRecord.Kind.EVENT_TAP_LOG) {
                lastHeld.set(HeldLog.decode(r.payload()));
            }
        }
    }

    private boolean takeOver(ReceiverOutcome outcome, Connections incoming) throws InterruptedException {
        int replica = outcome.replicaDomid();
        refuseIfImpossible(replica, outcome.lastCommitted());
        String what = outcome.kind() == ReceiverOutcome.Kind.HANDED_OVER ? "the primary handed the guest over" : "primary lost";
        if (manualFailover) {
            log.println("kemari: receive: " + pair.name() + ": " + what + "; replica dom " + replica + " holds "
                    + outcome.lastCommitted() + "; kept paused until 'kemari failover' asks (--manual-failover)");
        } else {
            log.println("kemari: receive: " + pair.name() + ": " + what + "; replica dom " + replica + " holds "
                    + outcome.lastCommitted() + "; taking the witness lease " + witness.file());
        }
        boolean asked = false;
        while (true) {
            phase.report(PairPhase.TAKING_OVER, outcome.lastCommitted().number());
            if (manualFailover && !phase.failoverRequested()) {
                // Not asked (or the request was withdrawn): the cluster manager decides where the
                // guest runs. Keep following the lease, so that once asked a long-dead holder's
                // lease is taken at once.
                if (asked) {
                    log.println("kemari: receive: " + pair.name() + ": the failover request was withdrawn; replica kept paused");
                    asked = false;
                }
                watchLease();
                if (phase.stopRequested()) {
                    discard(replica);
                    return false;
                }
                if (incoming.pending()) {
                    log.println("kemari: receive: " + pair.name() + ": the primary is back; resyncing");
                    discard(replica);
                    return false;
                }
                phase.awaitStop(POLL);
                continue;
            }
            if (manualFailover && !asked) {
                log.println("kemari: receive: " + pair.name() + ": failover requested; taking the witness lease " + witness.file());
                asked = true;
            }
            WitnessLease.Contention c;
            try {
                c = witness.contend();
            } catch (RuntimeException e) {
                log.println("kemari: receive: " + pair.name() + ": witness unreadable, not failing over: " + e.getMessage());
                c = WitnessLease.Contention.HELD;
            }
            if (c == WitnessLease.Contention.ACQUIRED) {
                split.leaseTaken();
                return true;
            }
            if (phase.stopRequested()) {
                discard(replica);
                return false;
            }
            if (incoming.pending()) {
                log.println("kemari: receive: " + pair.name() + ": the primary is back before its lease expired; resyncing");
                discard(replica);
                return false;
            }
            // until the watch on the silent holder ends, not a fixed step past it; still at least
            // every eighth of a lease, to see a returning primary or a stop, and a whole eighth
            // when the watch is over but the lease was not taken (held again, or unreadable)
            Duration eighth = witness.duration().dividedBy(8);
            Duration left = witness.untilTakeable();
            Thread.sleep(left.isZero() ? eighth.toMillis() : Math.max(1, Math.min(eighth.toMillis(), left.toMillis())));
        }
    }

    /**
     * Decided before the lease is taken: a failover Xen cannot complete must not fence a primary
     * that may come back. The replica stays paused for the administrator (docs/failover.md).
     */
    private void refuseIfImpossible(int replica, EpochId epoch) {
        Optional<String> why = platform.refusal(hv, replica, pair.domain()).or(devices::refusal);
        if (why.isPresent()) {
            String line = why.get() + "; replica dom " + replica + " kept paused at " + epoch;
            log.println("kemari: receive: " + pair.name() + ": failover refused: " + line);
            phase.refuseFailover(line);
            phase.report(PairPhase.STOPPED, epoch.number());
            throw new EngineException(EngineException.Kind.REFUSED, pair.name() + ": failover refused: " + line);
        }
    }

    /**
     * The lease is ours: the replica becomes the guest, served as the primary of the reversed
     * pair, which protects it back to the other host whenever a receiver runs there again.
     */
    private void serveFailedOver(int replica, EpochId epoch) throws InterruptedException {
        PrimarySide again = new PrimarySide(pair.reversed(), hv, replica, devices, phase, log, witness, progress);
        boolean fenced = !again.serveFailedOver(gate -> activate(replica, epoch, gate));
        if (fenced) {
            log.println("kemari: receive: " + pair.name() + ": the guest served here since the failover was fenced");
        }
    }

    private AutoCloseable activate(int replica, EpochId epoch, TapGate gate) throws Exception {
        split.serving();
        HeldLog held = lastHeld.get();
        log.println("kemari: receive: " + pair.name() + ": lease generation " + witness.generation() + " taken; replaying "
                + (held == null ? "unanswered requests" : held.heldCount() + " held request(s) and any other unanswered")
                + " on the replicated rings; unpausing dom " + replica + " at " + epoch);
        AutoCloseable served = null;
        try {
            // the device model first: a device served through it (the emulated NIC's stream) must reach the restarted QEMU
            platform.restore(hv, replica);
            split.deviceModelReady();
            served = devices.reattach(hv, replica, gate);
            split.devicesAttached();
            hv.unpause(replica);
            split.unpaused();
        } catch (Exception e) {
            if (served != null) {
                served.close();
            }
            throw new IllegalStateException("failover of dom " + replica + " failed: " + e.getMessage(), e);
        }
        phase.failoverServed();
        phase.report(PairPhase.FAILED_OVER, epoch.number());
        log.println("kemari: receive: " + pair.name() + ": " + split.line());
        log.println("kemari: receive: " + pair.name() + ": failed over; the guest is protected again once a receiver runs on "
                + pair.primary().host() + ":" + pair.primary().port());
        return served;
    }

    private void discard(int replica) {
        if (replica < 0) {
            return;
        }
        try {
            replicas.discard(replica);
        } catch (RuntimeException e) {
            log.println("kemari: receive: " + pair.name() + ": could not destroy stale replica dom " + replica + ": " + e.getMessage());
        }
    }
}
