package org.kemari.ft;

import java.util.concurrent.CompletableFuture;

/**
 * What event-tap needs from replication: "make everything up to now durable on the secondary,
 * and tell me when". Implemented by {@link org.kemari.ft.send.EpochSender}.
 */
public interface SyncBarrier {

    /**
     * Asks for an epoch soon. The returned future completes with the first epoch captured after
     * this call — it contains all guest state, and every contributor record, produced before the
     * call — once the secondary has acknowledged it (and every earlier epoch). It completes
     * exceptionally if replication fails first; then nothing may be released.
     */
    CompletableFuture<EpochId> requestSync();

    /** Completes when {@code epoch} and all before it are acknowledged by the secondary. */
    CompletableFuture<EpochId> awaitDurable(EpochId epoch);

    /** The newest acknowledged epoch; {@link EpochId#NONE} before the first. */
    EpochId lastDurable();
}
