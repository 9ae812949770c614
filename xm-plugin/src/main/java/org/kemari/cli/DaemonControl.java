package org.kemari.cli;

import org.kemari.pair.StateDir;
import org.kemari.pair.PairHost;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.kemari.ft.timing.EpochTimings;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The engine's handle on its daemon: publish progress for `kemari status`, and learn when the
 * administrator (SIGTERM, `kemari unprotect`, systemd, Pacemaker) asked it to stop.
 */
public final class DaemonControl implements PairHost {
    private final StateDir stateDir;
    private final Clock clock;
    /** How often the timings files are rewritten: the engine offers them at every phase report. */
    static final Duration TIMINGS_PERIOD = Duration.ofSeconds(1);
    /**
     * How often an unchanged phase and epoch are written again, to keep "updated" recent. The
     * engine reports every 50-100 ms; rewriting the state file each time took half of a
     * secondary JVM's cpu on the testbed's emulated dom0 (docs/benchmarks.md, "Why so slow").
     */
    static final Duration REFRESH_PERIOD = Duration.ofSeconds(1);
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile PairState state;
    private Instant timingsWritten = Instant.MIN;

    DaemonControl(StateDir stateDir, PairState initial, Clock clock) {
        this.stateDir = stateDir;
        this.state = initial;
        this.clock = clock;
    }

    /** Publishes the engine's phase and last durable epoch. */
    @Override
    public synchronized void report(PairPhase phase, long epoch) {
        Instant now = clock.instant();
        if (phase == state.phase() && epoch == state.epoch() && now.isBefore(state.updated().plus(REFRESH_PERIOD))) {
            return;
        }
        state = state.withProgress(phase, epoch, now);
        stateDir.write(state);
    }

    @Override
    public synchronized void timings(Supplier<EpochTimings> timings) {
        Instant now = clock.instant();
        if (now.isBefore(timingsWritten.plus(TIMINGS_PERIOD))) {
            return;
        }
        timingsWritten = now;
        stateDir.writeTimings(state.pair(), state.role(), timings.get());
    }

    /** Where this daemon publishes its state: the place for files it shares with other kemari commands. */
    @Override
    public Path stateDir() {
        return stateDir.path();
    }

    public PairState state() {
        return state;
    }

    @Override
    public boolean stopRequested() {
        return stop.getCount() == 0;
    }

    /** Waits up to {@code millis} for a stop request; true if one came. */
    @Override
    public boolean awaitStop(long millis) throws InterruptedException {
        return stop.await(millis, TimeUnit.MILLISECONDS);
    }

    void requestStop() {
        stop.countDown();
    }
}
