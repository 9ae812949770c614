package org.kemari.bench;

import java.time.Duration;

/**
 * How long and how often to measure. The full run is what docs/benchmarks.md reports; the
 * quick run (CI smoke test) measures everything the same way, only shorter and on a coarser
 * scaling grid, and skips what needs the real daemons (failover, false suspicions).
 *
 * <p>Guest-size scaling stops at 2 GiB: the initial synchronisation reads every page of the
 * guest, which makes the simulator populate all of it on the primary and again on the
 * replica (2 × guest size of direct memory in this one JVM); 8 GiB would need 16 GiB of it.
 * The size-dependent part of the pause, harvesting the log-dirty bitmap, is measured on its
 * own up to 8 GiB ({@link HarvestScaling}).
 */
record Plan(boolean quick, Duration window, int warmupEpochs, int epochs, long[] dirtyScale, long[] guestScaleMiB,
            long[] harvestScaleMiB, long rawTcpBytes, int failoverRuns, Duration suspicionWindow) {

    static Plan fullRun() {
        return new Plan(false, Duration.ofSeconds(4), 20, 200, new long[] {16, 64, 256, 1024, 4096, 16384, 65536},
                new long[] {64, 256, 1024, 2048}, new long[] {64, 512, 2048, 8192}, 1L << 30, 5,
                Duration.ofSeconds(20));
    }

    static Plan quickRun() {
        return new Plan(true, Duration.ofMillis(600), 5, 30, new long[] {16, 256, 4096}, new long[] {64, 256},
                new long[] {64, 8192}, 128L << 20, 0, Duration.ZERO);
    }

    /** Measured epochs for {@code dirtyPages} per epoch: fewer for the big ones, which take long. */
    int epochsFor(long dirtyPages) {
        return (int) Math.max(5, Math.min(epochs, epochs * 256 / Math.max(256, dirtyPages)));
    }
}
