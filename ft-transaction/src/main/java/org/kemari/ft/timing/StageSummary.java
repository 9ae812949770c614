package org.kemari.ft.timing;

/**
 * One stage's recent times. The percentiles and the maximum are of the last samples (at most
 * {@link StageTimes#WINDOW}), nearest-rank; the count and the sum cover every sample since the
 * start, as Prometheus expects of a summary.
 *
 * @param window how many recent samples the percentiles are of
 */
public record StageSummary(Stage stage, long count, long sumNanos, int window, long p50Nanos, long p90Nanos,
                           long p99Nanos, long maxNanos) {

    /** @param sorted the recent samples, ascending, at least one */
    static StageSummary of(Stage stage, long count, long sumNanos, long[] sorted) {
        return new StageSummary(stage, count, sumNanos, sorted.length, rank(sorted, 500), rank(sorted, 900),
                rank(sorted, 990), sorted[sorted.length - 1]);
    }

    /** The smallest sample that at least {@code perMille}/1000 of the samples do not exceed; integer, so 0.9 × 10 is 9. */
    static long rank(long[] sorted, int perMille) {
        long n = sorted.length;
        int index = (int) ((perMille * n + 999) / 1000) - 1;
        return sorted[Math.max(0, index)];
    }
}
