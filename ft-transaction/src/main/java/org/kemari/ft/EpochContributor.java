package org.kemari.ft;

import java.util.List;

/**
 * Adds records to every epoch on the primary, on the capture thread while the guest is paused.
 * The capture calls, in this order: {@link #quiesce} right after the pause and before the
 * log-dirty harvest, {@link #capture} after the memory was copied, {@link #resume} before the
 * unpause. What it returns is consistent with that memory. It must be quick (the guest waits)
 * and must not call back into the sender.
 */
@FunctionalInterface
public interface EpochContributor {

    /**
     * Stops whatever outside the vcpus can still write guest memory (a device model's DMA) and
     * saves its state, before the harvest: a write it finishes later would otherwise be missing
     * from this epoch's pages while its effect is in this epoch's device state. On failure it
     * undoes its own stop before throwing; {@link #resume} is then not called.
     */
    default void quiesce(EpochId epoch) {
    }

    List<OpaqueRecord> capture(EpochId epoch);

    /** Undoes {@link #quiesce}; called before the unpause whenever quiesce returned, even if the capture failed. */
    default void resume() {
    }
}
