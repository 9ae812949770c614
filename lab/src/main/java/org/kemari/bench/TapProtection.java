package org.kemari.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import org.kemari.config.SyncPolicy;
import org.kemari.ft.wire.Features;
import org.kemari.pair.ProtectionBarrier;
import org.kemari.pair.TapContributor;
import org.kemari.tap.EventTap;
import org.kemari.tap.RequestKind;
import org.kemari.tap.SyncMode;
import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;

/**
 * A guest protected as the engine wires it in event mode: a {@link SimPair} replicating it, and
 * event-tap holding every output request until the secondary acknowledged an epoch containing
 * it, with an always-open release gate (there is no witness in the bench). The held log rides
 * in every epoch and the backends wait while an epoch is copied, as between the daemons.
 *
 * <p>The two parts close separately: the gate before the backends it releases to, the pair
 * after them, so a guest's last output is neither released to a closed backend nor left
 * waiting on a closed pair.
 */
record TapProtection(SimPair pair, TapGate gate) {

    /**
     * Starts replicating {@code domid} and returns once the initial synchronisation is
     * acknowledged; with or without group commit ({@link SyncPolicy#groupCommit()}).
     */
    static TapProtection start(Hypervisor hv, int domid, Duration maxInterval, boolean groupCommit) throws IOException {
        ProtectionBarrier barrier = new ProtectionBarrier();
        EventTap tap = new EventTap(barrier, SyncMode.EVENT, EnumSet.allOf(RequestKind.DeviceClass.class),
                () -> true, System::nanoTime);
        TapGate gate = new TapGate(tap);
        SimPair pair;
        try {
            pair = new SimPair(hv, domid, Features.ALL, new TapContributor(gate), maxInterval, groupCommit);
        } catch (IOException | RuntimeException e) {
            gate.close();
            throw e;
        }
        barrier.protectWith(pair.sender());
        return new TapProtection(pair, gate);
    }
}
