package org.kemari.ft;

import java.util.List;

/**
 * Adds records to every epoch on the primary. Called on the capture thread while the guest is
 * paused, after its memory was copied: what it returns is consistent with that memory. It must
 * be quick (the guest waits) and must not call back into the sender.
 */
@FunctionalInterface
public interface EpochContributor {
    List<OpaqueRecord> capture(EpochId epoch);
}
