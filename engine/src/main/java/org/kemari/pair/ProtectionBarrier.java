package org.kemari.pair;

import java.util.concurrent.CompletableFuture;
import org.kemari.ft.EpochId;
import org.kemari.tap.ReleaseBarrier;

/**
 * Event-tap's view of replication on the primary, which changes under it: a sender while the
 * pair is protected, none while it is degraded, a new one after a resync. While degraded, held
 * output is released at once — the lease is still ours, so no replica can take over, and
 * keeping the guest's I/O stalled would only turn a lost secondary into a lost service.
 * A fenced primary releases nothing, ever.
 *
 * <p>The one adapter between the two seams: event-tap's {@link ReleaseBarrier} (when may held
 * output go) over ft-transaction's {@link org.kemari.ft.SyncBarrier} (make everything durable
 * on the secondary). The benchmarks use it too.
 */
public final class ProtectionBarrier implements ReleaseBarrier {
    private volatile org.kemari.ft.SyncBarrier sender;
    private volatile boolean fenced;

    /** Protection (re)starts with {@code sender}; null means degraded. */
    public void protectWith(org.kemari.ft.SyncBarrier sender) {
        this.sender = sender;
    }

    public void fence() {
        fenced = true;
        sender = null;
    }

    public boolean protectedNow() {
        return sender != null;
    }

    @Override
    public CompletableFuture<Long> syncNow() {
        return await(true);
    }

    @Override
    public CompletableFuture<Long> nextEpoch() {
        return await(false);
    }

    private CompletableFuture<Long> await(boolean now) {
        if (fenced) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "this host was fenced: another host holds the witness lease"));
        }
        org.kemari.ft.SyncBarrier s = sender;
        if (s == null) {
            return CompletableFuture.completedFuture(-1L);
        }
        CompletableFuture<EpochId> durable = now ? s.requestSync() : s.awaitDurable(s.lastDurable().next());
        // If this sender fails, the daemon goes degraded or fenced; the answer follows that state.
        return durable.handle((epoch, error) -> error == null ? CompletableFuture.completedFuture(epoch.number())
                : afterFailure(s)).thenCompose(f -> f);
    }

    private CompletableFuture<Long> afterFailure(org.kemari.ft.SyncBarrier failed) {
        if (sender == failed) {
            // the daemon has not reacted yet: degrade now rather than hold output on a dead link
            sender = null;
        }
        return await(true);
    }
}
