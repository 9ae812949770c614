package org.kemari.config;

import org.kemari.tap.SyncMode;
import java.time.Duration;

/**
 * When epochs are taken.
 *
 * @param interval         epoch period in periodic and hybrid mode (xl remus -i)
 * @param maxEpochInterval in event mode, the longest the replica may lag a guest that does no I/O
 * @param maxInFlight      epochs sent but not yet acknowledged; more hides latency, costs memory
 */
public record SyncPolicy(SyncMode mode, Duration interval, Duration maxEpochInterval, int maxInFlight) {
    /** xl remus's default checkpoint interval, so -i means the same on both. */
    public static final SyncPolicy DEFAULT =
            new SyncPolicy(SyncMode.EVENT, Duration.ofMillis(200), Duration.ofSeconds(1), 4);

    public SyncPolicy withMode(SyncMode m) {
        return new SyncPolicy(m, interval, maxEpochInterval, maxInFlight);
    }

    public SyncPolicy withInterval(Duration i) {
        return new SyncPolicy(mode, i, maxEpochInterval, maxInFlight);
    }
}
