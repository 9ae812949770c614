package org.kemari.tap;

import java.util.concurrent.CompletableFuture;

/**
 * The replication engine as event-tap sees it. Both futures complete with the number of an
 * epoch whose capture began after the call and which the secondary has acknowledged, so every
 * request observed before the call is inside it. They complete exceptionally if protection is
 * lost (the secondary died): the caller then decides whether output may flow unprotected.
 */
public interface ReleaseBarrier {

    /** Asks for an epoch now; calls made while one is being captured share the next one. */
    CompletableFuture<Long> syncNow();

    /** Waits for the next epoch the engine takes on its own schedule (periodic mode). */
    CompletableFuture<Long> nextEpoch();
}
