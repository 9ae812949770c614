package org.kemari.tap;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters for the status line and the output-commit latency benchmark. */
public final class TapStats {
    private final LongAdder heldTotal = new LongAdder();
    private final LongAdder releasedTotal = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder holdNanos = new LongAdder();
    private final AtomicLong maxHoldNanos = new AtomicLong();

    void held(int n) {
        heldTotal.add(n);
    }

    void released(int n, long heldForNanos) {
        releasedTotal.add(n);
        batches.increment();
        holdNanos.add(heldForNanos);
        maxHoldNanos.accumulateAndGet(heldForNanos, Math::max);
    }

    /** Requests held and not yet released. */
    public long holding() {
        return heldTotal.sum() - releasedTotal.sum();
    }

    public long released() {
        return releasedTotal.sum();
    }

    /** Mean time from the tap seeing a batch with output to releasing it, in nanoseconds. */
    public long meanHoldNanos() {
        long b = batches.sum();
        return b == 0 ? 0 : holdNanos.sum() / b;
    }

    public long maxHoldNanos() {
        return maxHoldNanos.get();
    }
}
