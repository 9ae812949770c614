package org.kemari.pair;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.kemari.ft.timing.EpochTimings;

/**
 * The engine's port to whatever runs it (the command line's daemon): where it publishes its phase
 * and last durable epoch, where it learns that it should stop, and the directory it shares with
 * other kemari commands (operator-failover requests). The engine never sees verbs or terminals.
 */
public interface PairHost {

    /** Publishes the pair's phase and last acknowledged (primary) or committed (secondary) epoch. */
    void report(PairPhase phase, long epoch);

    /** Where this daemon's state lives: the place for files it shares with other kemari commands. */
    Path stateDir();

    boolean stopRequested();

    /** Waits up to {@code millis} for a stop request; true if one came. */
    boolean awaitStop(long millis) throws InterruptedException;

    /** Initial-sync progress (pages sent of this round's total); ignored by default. */
    default void syncProgress(long done, long total) {
    }

    /**
     * The replication stream's counters and stage times, offered at every phase report while it
     * runs; taken only when the host publishes them, since summing them up sorts every stage's
     * samples. Ignored by default.
     */
    default void timings(Supplier<EpochTimings> timings) {
    }
}
