package org.kemari.ft.timing;

import java.util.Arrays;

/**
 * The last samples of one stage, overwritten in a ring: recording stores one long under a lock
 * that only a status reader ever contends for, so the epoch's threads allocate nothing.
 */
final class SampleRing {
    private final long[] samples;
    private long count;
    private long sum;

    SampleRing(int size) {
        samples = new long[size];
    }

    synchronized void add(long nanos) {
        samples[(int) (count % samples.length)] = nanos;
        count++;
        sum += nanos;
    }

    synchronized long count() {
        return count;
    }

    /** Null before the first sample. */
    StageSummary summary(Stage stage) {
        long[] recent;
        long n;
        long total;
        synchronized (this) {
            n = count;
            total = sum;
            recent = Arrays.copyOf(samples, (int) Math.min(n, samples.length));
        }
        if (recent.length == 0) {
            return null;
        }
        Arrays.sort(recent);
        return StageSummary.of(stage, n, total, recent);
    }
}
