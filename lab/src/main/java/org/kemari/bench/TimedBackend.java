package org.kemari.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.kemari.ring.BackRing;
import org.kemari.ring.Frontend;
import org.kemari.ring.RingBackend;

/**
 * A ringsync backend as the bench sees it: everything is delegated, but the time from the
 * frontend's notification to the backend consuming the request is recorded. Behind event-tap
 * that is the output-commit latency: the write is held from the notification until an epoch
 * containing it is acknowledged, then released to this backend. The io guest has at most one
 * request outstanding per ring, so each consumption closes the notification that preceded it.
 */
final class TimedBackend implements RingBackend {
    private final RingBackend backend;
    private final AtomicLong notifiedAt = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private Samples latency = new Samples();

    TimedBackend(RingBackend backend) {
        this.backend = backend;
    }

    /** The frontend notified: starts the clock unless a request is already waiting. */
    void notified() {
        notifiedAt.compareAndSet(0, System.nanoTime());
    }

    long served() {
        return served.get();
    }

    /** The latencies recorded since the last call, and a fresh collection for the next window. */
    synchronized Samples takeLatency() {
        Samples s = latency;
        latency = new Samples();
        return s;
    }

    @Override
    public BackRing<?, ?> ring() {
        return backend.ring();
    }

    @Override
    public Frontend frontend() {
        return backend.frontend();
    }

    @Override
    public boolean isOutgoing(int index) {
        return backend.isOutgoing(index);
    }

    @Override
    public int processUpTo(int end) {
        int n = backend.processUpTo(end);
        if (n > 0) {
            long since = notifiedAt.getAndSet(0);
            long now = System.nanoTime();
            served.addAndGet(n);
            if (since != 0) {
                synchronized (this) {
                    latency.add(now - since);
                }
            }
        }
        return n;
    }

    @Override
    public void close() {
        backend.close();
    }
}
