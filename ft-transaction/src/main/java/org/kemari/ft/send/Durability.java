package org.kemari.ft.send;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.kemari.ft.EpochId;

/**
 * Who waits for which epoch to be acknowledged. ACKs are cumulative, and waiters are completed
 * strictly in epoch order, outside the lock so a waiter's continuation cannot stall the ACKs.
 */
final class Durability {
    private final TreeMap<Long, List<CompletableFuture<EpochId>>> waiters = new TreeMap<>();
    private long durable;
    private Throwable failure;

    synchronized long durable() {
        return durable;
    }

    CompletableFuture<EpochId> await(long epoch) {
        CompletableFuture<EpochId> f = new CompletableFuture<>();
        synchronized (this) {
            if (failure == null && epoch > durable) {
                waiters.computeIfAbsent(epoch, e -> new ArrayList<>()).add(f);
                return f;
            }
        }
        complete(f, epoch);
        return f;
    }

    /** Everything up to {@code epoch} is on the secondary. */
    void acked(long epoch) {
        List<Map.Entry<Long, List<CompletableFuture<EpochId>>>> done = new ArrayList<>();
        synchronized (this) {
            durable = Math.max(durable, epoch);
            while (!waiters.isEmpty() && waiters.firstKey() <= epoch) {
                done.add(waiters.pollFirstEntry());
            }
        }
        for (Map.Entry<Long, List<CompletableFuture<EpochId>>> e : done) {
            e.getValue().forEach(f -> f.complete(new EpochId(e.getKey())));
        }
    }

    /** Fails every present and future waiter for an epoch not yet acknowledged. */
    void fail(Throwable cause) {
        List<List<CompletableFuture<EpochId>>> failed;
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = cause;
            failed = new ArrayList<>(waiters.values());
            waiters.clear();
        }
        failed.forEach(l -> l.forEach(f -> f.completeExceptionally(cause)));
    }

    private void complete(CompletableFuture<EpochId> f, long epoch) {
        Throwable t;
        synchronized (this) {
            if (epoch <= durable) {
                f.complete(new EpochId(epoch));
                return;
            }
            t = failure;
        }
        f.completeExceptionally(t);
    }
}
