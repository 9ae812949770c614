package org.kemari.ft.send;

/** What the primary reports besides durability: initial-sync progress and the loss of the secondary. */
public interface SenderListener {

    /** Called on the starting thread during {@link EpochSender#start()}. */
    default void progress(SyncProgress progress) {
    }

    /** Something the administrator must know, said once: replication goes on. */
    default void warning(String message) {
    }

    /** Replication stopped (secondary silent, refused, or I/O failed); protection is over. */
    default void failed(String reason) {
    }
}
