package org.kemari.pair;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.kemari.ft.timing.EpochTimings;

/**
 * A daemon's link to the administrator: publishes its phase (docs/failover.md) for `kemari
 * status` and the OCF agent, and receives stop, failover and switchover requests
 * ({@link OperatorRequest}s).
 */
final class PhaseReporter {
    private final PairHost control;
    private final OperatorRequest failover;
    private final OperatorRequest switchover;
    private volatile PairPhase phase = PairPhase.STOPPED;

    PhaseReporter(PairHost control, String pair) {
        this.control = control;
        this.failover = failoverRequest(control.stateDir(), pair);
        this.switchover = switchoverRequest(control.stateDir(), pair);
    }

    /** `kemari failover` on the secondary: take over now. */
    static OperatorRequest failoverRequest(Path stateDir, String pair) {
        return new OperatorRequest(stateDir, pair, "failover");
    }

    /** `kemari switchover` on the primary: hand the guest over to the secondary. */
    static OperatorRequest switchoverRequest(Path stateDir, String pair) {
        return new OperatorRequest(stateDir, pair, "switchover");
    }

    void report(PairPhase p, long epoch) {
        phase = p;
        control.report(p, epoch);
    }

    void timings(Supplier<EpochTimings> t) {
        control.timings(t);
    }

    PairPhase phase() {
        return phase;
    }

    boolean stopRequested() {
        return control.stopRequested();
    }

    /** Waits up to {@code d} for a stop request. */
    void awaitStop(Duration d) throws InterruptedException {
        control.awaitStop(d.toMillis());
    }

    boolean failoverRequested() {
        return failover.pending();
    }

    /** The request, if any, is served: this host is failing over. */
    void failoverServed() {
        failover.served();
    }

    void refuseFailover(String why) {
        failover.refuse(why);
    }

    boolean switchoverRequested() {
        return switchover.pending();
    }

    /** The request is being served: this primary hands the guest over. */
    void switchoverServed() {
        switchover.served();
    }

    void refuseSwitchover(String why) {
        switchover.refuse(why);
    }
}
