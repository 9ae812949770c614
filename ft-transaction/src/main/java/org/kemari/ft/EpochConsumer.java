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
}
