package org.kemari.config;

import org.kemari.tap.SyncMode;
import java.time.Duration;

/**
 * When epochs are taken.
 *
 * @param interval         epoch period in periodic and hybrid mode (xl remus -i)
 * @param maxEpochInterval in event mode, the longest the replica may lag a guest that does no I/O
 * @param maxInFlight      epochs sent but not yet acknowledged; more hides latency, costs memory
 * @param groupCommit      output that asks for an epoch while others are unacknowledged waits for
 *                         them, and everything held meanwhile shares the next epoch (fewer, fuller
 *                         epochs when several clients are served at once; docs/benchmarks.md,
 *                         "Group commit"); off: each asks at once, pipelined
 */
public record SyncPolicy(SyncMode mode, Duration interval, Duration maxEpochInterval, int maxInFlight, boolean groupCommit) {
    /** xl remus's default checkpoint interval, so -i means the same on both. */
    public static final SyncPolicy DEFAULT =
            new SyncPolicy(SyncMode.EVENT, Duration.ofMillis(200), Duration.ofSeconds(1), 4, true);

    public SyncPolicy withMode(SyncMode m) {
        return new SyncPolicy(m, interval, maxEpochInterval, maxInFlight, groupCommit);
    }

    public SyncPolicy withInterval(Duration i) {
        return new SyncPolicy(mode, i, maxEpochInterval, maxInFlight, groupCommit);
    }
}
