package org.kemari.pair;

import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;

/**
 * The protected guest's virtual devices as this host serves them: kemari's own dom0 block and
 * network backends on the guest's shared rings. The primary serves them through event-tap; the
 * secondary, at failover, re-attaches them to the replicated rings.
 */
interface GuestDevices {

    /** Primary: starts the backends of {@code domid}'s devices, every request passing {@code gate}. */
    AutoCloseable serve(Hypervisor hv, int domid, TapGate gate);

    /**
     * Secondary, at failover: re-creates the replica's event channels, attaches backends to the
     * replicated rings with corrected indexes (unanswered requests are served again at once) and
     * starts them; later requests pass {@code gate}, since the failed-over guest is protected
     * again as soon as a secondary answers. The caller unpauses the replica afterwards.
     */
    AutoCloseable reattach(Hypervisor hv, int replicaDomid, TapGate gate);
}
