package org.kemari.bench;

import java.util.concurrent.CompletableFuture;
import org.kemari.ft.EpochId;
import org.kemari.tap.SyncBarrier;

/**
 * Event-tap's barrier over the bench's sender, set once the initial sync is done. Until then
 * (and in the engine, while degraded) output is not held: there is nothing to hold it for.
 */
final class TapBarrier implements SyncBarrier {
    private volatile org.kemari.ft.SyncBarrier sender;

    void protectWith(org.kemari.ft.SyncBarrier s) {
        sender = s;
    }

    @Override
    public CompletableFuture<Long> syncNow() {
        org.kemari.ft.SyncBarrier s = sender;
        return s == null ? CompletableFuture.completedFuture(-1L) : s.requestSync().thenApply(EpochId::number);
    }

    @Override
    public CompletableFuture<Long> nextEpoch() {
        org.kemari.ft.SyncBarrier s = sender;
        return s == null ? CompletableFuture.completedFuture(-1L)
                : s.awaitDurable(s.lastDurable().next()).thenApply(EpochId::number);
    }
}
