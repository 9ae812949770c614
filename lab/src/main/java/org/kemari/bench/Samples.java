package org.kemari.bench;

import java.util.Arrays;

/** Durations collected by a measurement loop, in nanoseconds, and their order statistics. */
final class Samples {
    private long[] values = new long[64];
    private int n;

    void add(long nanos) {
        if (n == values.length) {
            values = Arrays.copyOf(values, n * 2);
        }
        values[n++] = nanos;
    }

    int count() {
        return n;
    }

    /** The {@code p}-quantile (0..1) by nearest rank; NaN when empty. */
    double quantile(double p) {
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = sorted();
        int rank = (int) Math.ceil(p * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, rank))];
    }

    double median() {
        return quantile(0.5);
    }

    double mean() {
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += values[i];
        }
        return sum / n;
    }

    long[] sorted() {
        long[] s = Arrays.copyOf(values, n);
        Arrays.sort(s);
        return s;
    }
}
