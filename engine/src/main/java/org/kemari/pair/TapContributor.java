package org.kemari.pair;

import java.util.List;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.tap.TapGate;

/**
 * Event-tap's part of every epoch: the held-request log as a record, and the gate's backends
 * kept from writing the guest from before the harvest until the epoch is copied
 * ({@link org.kemari.ring.BackendFence}), so that the replica's rings are never caught half
 * answered.
 */
public final class TapContributor implements EpochContributor {
    private final TapGate gate;

    public TapContributor(TapGate gate) {
        this.gate = gate;
    }

    @Override
    public void quiesce(EpochId epoch) {
        gate.fence().shut();
    }

    @Override
    public List<OpaqueRecord> capture(EpochId epoch) {
        return List.of(new OpaqueRecord(OpaqueRecord.Kind.EVENT_TAP_LOG, gate.tap().heldLog().encode()));
    }

    @Override
    public void resume() {
        gate.fence().open();
    }
}
