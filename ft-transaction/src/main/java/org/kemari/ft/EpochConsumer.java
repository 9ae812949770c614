package org.kemari.ft;

import java.util.List;

/**
 * Receives the opaque records of each committed epoch on the secondary, after the replica was
 * updated and before the epoch is acknowledged; if it throws, the epoch is not acknowledged and
 * the stream fails.
 */
@FunctionalInterface
public interface EpochConsumer {
    void committed(EpochId epoch, List<OpaqueRecord> records);

    /**
     * Whether this consumer takes records of {@code kind}. An epoch carrying a kind no consumer
     * takes is refused, not acknowledged: every opaque record is mandatory.
     */
    default boolean consumes(OpaqueRecord.Kind kind) {
        return true;
    }

    /** A consumer of one kind of record, so that the others are not mistaken for taken. */
    static EpochConsumer of(OpaqueRecord.Kind kind, EpochConsumer consumer) {
        return new EpochConsumer() {
            @Override
            public void committed(EpochId epoch, List<OpaqueRecord> records) {
                consumer.committed(epoch, records);
            }

            @Override
            public boolean consumes(OpaqueRecord.Kind k) {
                return k == kind;
            }
        };
    }
}
