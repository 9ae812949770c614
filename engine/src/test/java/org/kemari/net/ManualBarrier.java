package org.kemari.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.kemari.tap.EventTap;
import org.kemari.tap.ReleaseBarrier;
import org.kemari.tap.RequestKind;
import org.kemari.tap.SyncMode;

/** A replication engine whose epochs the test acknowledges by hand. */
final class ManualBarrier implements ReleaseBarrier {
    private final List<CompletableFuture<Long>> syncs = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Long> syncNow() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        syncs.add(f);
        notifyAll();
        return f;
    }

    @Override
    public CompletableFuture<Long> nextEpoch() {
        throw new AssertionError("the connector's tap runs in event mode and never waits for a periodic epoch");
    }

    /** The {@code n}th sync requested (from 1), waiting up to 5 s for it. */
    synchronized CompletableFuture<Long> sync(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (syncs.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("sync " + n + " was never requested (" + syncs.size() + " were)");
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return syncs.get(n - 1);
    }

    synchronized int requested() {
        return syncs.size();
    }

    /** A tap as a degraded primary has one: no secondary answers, so its barrier lets every frame go at once. */
    static EventTap degradedTap() {
        ReleaseBarrier degraded = new ReleaseBarrier() {
            @Override
            public CompletableFuture<Long> syncNow() {
                return CompletableFuture.completedFuture(-1L);
            }

            @Override
            public CompletableFuture<Long> nextEpoch() {
                return syncNow();
            }
        };
        return new EventTap(degraded, SyncMode.EVENT, Set.of(RequestKind.DeviceClass.NET), () -> true, System::nanoTime);
    }
}
