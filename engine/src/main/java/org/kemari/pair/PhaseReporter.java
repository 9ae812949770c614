package org.kemari.pair;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Supplier;
import org.kemari.ft.timing.EpochTimings;

/**
 * A daemon's link to the administrator: publishes its phase (docs/failover.md) for `kemari
 * status` and the OCF agent, and receives stop and operator-failover requests. A failover
 * request is a file {@code <pair>.failover} in the state dir, written by `kemari failover`; the
 * daemon answers in {@code <pair>.failover-refused} when it cannot act on it.
 */
final class PhaseReporter {
    private final PairHost control;
    private final Path request;
    private final Path refusal;
    private volatile PairPhase phase = PairPhase.STOPPED;

    PhaseReporter(PairHost control, String pair) {
        this.control = control;
        this.request = failoverRequest(control.stateDir(), pair);
        this.refusal = failoverRefusal(control.stateDir(), pair);
    }

    static Path failoverRequest(Path stateDir, String pair) {
        return stateDir.resolve(pair + ".failover");
    }

    static Path failoverRefusal(Path stateDir, String pair) {
        return stateDir.resolve(pair + ".failover-refused");
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
        return Files.exists(request);
    }

    /** The request, if any, is served: this host is failing over. */
    void failoverServed() {
        try {
            Files.deleteIfExists(request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the failover request " + request + ": " + e.getMessage(), e);
        }
    }

    /** Written whole or not at all: the failover verb reads the answer as soon as the file exists. */
    void refuseFailover(String why) {
        try {
            Path partial = refusal.resolveSibling(refusal.getFileName() + ".partial");
            Files.writeString(partial, why + "\n", StandardCharsets.UTF_8);
            Files.move(partial, refusal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot answer the failover request in " + request.getParent() + ": " + e.getMessage(), e);
        }
    }
}
