package org.kemari.ring;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps dom0's backends from writing a guest's memory while an epoch of it is captured.
 *
 * <p>Pausing the guest stops its vcpus, not the backends: a request released during the stop
 * is still served, and serving writes guest memory (read data, the response into the request's
 * own slot, then {@code rsp_prod}). The capture copies a ring page in one pass from its header
 * up, so a copy that overlaps those writes can hold a slot already answered under an old
 * {@code rsp_prod}; at failover the re-attached backend would then serve that response as if
 * it were a request. With the fence shut from before the harvest until the copy is done, an epoch sees
 * each batch of a backend's answers either not begun or complete, and the batch's writes are
 * logged dirty for the next epoch.
 *
 * <p>Backends hold it shared, so they do not wait for each other; the capture waits for the
 * batches in progress, disk I/O included (docs/ring-reattach.md).
 */
public final class BackendFence {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Runs {@code writes} (a backend's serving of a batch); waits first while the fence is shut. */
    public void writing(Runnable writes) {
        lock.readLock().lock();
        try {
            writes.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Waits for the batches in progress, then keeps new ones out until {@link #open}, on this thread. */
    public void shut() {
        lock.writeLock().lock();
    }

    /** Lets the backends write again; only the thread that shut the fence may open it. */
    public void open() {
        lock.writeLock().unlock();
    }

    /** Whether a backend waits at the shut fence (for tests and diagnostics). */
    public boolean hasWaitingBackends() {
        return lock.hasQueuedThreads();
    }
}
