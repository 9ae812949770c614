package org.kemari.ft.receive;

import org.kemari.ft.EpochId;

/**
 * How a replication stream ended on the secondary, for the failover owner: on
 * {@link Kind#PRIMARY_LOST} or {@link Kind#HANDED_OVER} with a committed epoch, the replica is a
 * valid copy to take over.
 *
 * @param replicaDomid  the replica domain, or -1 if none was created
 * @param lastCommitted the epoch the replica holds exactly; {@link EpochId#NONE} if no epoch was
 *                      ever committed (the replica is then no valid copy)
 */
public record ReceiverOutcome(Kind kind, String reason, int replicaDomid, EpochId lastCommitted) {
    public enum Kind {
        /** The primary ended protection in order (END record). */
        ENDED,
        /**
         * Controlled switchover (HANDOVER record): the primary paused the guest, every epoch is
         * committed, and the replica is the guest now.
         */
        HANDED_OVER,
        /** The primary went silent or the connection broke: a failover candidate. */
        PRIMARY_LOST,
        /** The stream broke the format or the protocol; it was refused with an ERROR record. */
        STREAM_REJECTED,
        /** The hypervisor failed to create or update the replica; it may be inconsistent. */
        REPLICA_FAILED,
        /** This side was closed locally. */
        CLOSED
    }

    /** True if the replica holds a complete committed epoch that can be resumed. */
    public boolean replicaValid() {
        return kind != Kind.REPLICA_FAILED && replicaDomid >= 0 && lastCommitted.number() > 0;
    }

    @Override
    public String toString() {
        return kind + ": " + reason + " (replica dom " + replicaDomid + " at " + lastCommitted + ")";
    }
}
