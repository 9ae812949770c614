package org.kemari.ft.send;

/** Replication has stopped; durability can no longer be promised. The message says why. */
public final class ReplicationException extends RuntimeException {
    public ReplicationException(String message) {
        super(message);
    }

    public ReplicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
