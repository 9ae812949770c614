package org.kemari.dm;

import java.util.Optional;
import org.kemari.xen.DomainType;

/**
 * Whether a stock Xen 4.17 lets dom0 bring a replica up as the guest, decided from what the
 * primary reported (docs/failover.md, "Real Xen: what can fail over"). Kemari pauses the guest
 * instead of suspending it, so the guest never re-binds its event channels; a guest's VIRQ and
 * IPI bindings, its vcpu_info and upcall registrations live in the hypervisor, not in its memory,
 * and dom0 cannot create them on the guest's behalf. Only a guest that uses no event channel —
 * HVM without PV drivers, whose devices are all emulated — can be failed over. The rule depends
 * on the guest only, never on the backend, so the simulator refuses exactly what Xen would.
 */
public final class FailoverCheck {

    private FailoverCheck() {
    }

    /** Why {@code guest} cannot be failed over to, or empty when it can. */
    public static Optional<String> refusal(String guest, DomainType type, HvmPlatform last) {
        String cannot = " a stock Xen 4.17 does not let dom0 re-create on the guest's behalf";
        switch (type) {
            case PV:
                return Optional.of("guest " + guest + " is PV: its interrupts, timer and devices are event channels whose"
                        + " bindings (VIRQ, IPI, interdomain) are hypervisor state" + cannot);
            case PVH:
                return Optional.of("guest " + guest + " is PVH: its timer, IPIs and devices are event channels (VIRQ, IPI and"
                        + " interdomain bindings, the upcall registration) held by the hypervisor," + cannot);
            default:
                break;
        }
        if (last == null) {
            return Optional.of("guest " + guest + " is HVM but no committed epoch carried its HVM platform record (params and"
                    + " device-model state): the primary runs a kemari that does not send it");
        }
        long callback = last.param(HvmParams.CALLBACK_IRQ);
        if (callback != 0) {
            return Optional.of("guest " + guest + " (HVM) registered an event-channel upcall (HVM_PARAM_CALLBACK_IRQ = 0x"
                    + Long.toHexString(callback) + ", " + describeCallback(callback) + "): it uses PV drivers or PV timers whose"
                    + " VIRQ, IPI and interdomain bindings are hypervisor state" + cannot
                    + "; boot it without PV drivers (xen_platform_pci=0 and, for Linux, nopv)");
        }
        return Optional.empty();
    }

    /** public/hvm/params.h: the delivery type is in bits 63:56. */
    static String describeCallback(long value) {
        long type = value >>> 56;
        if (type == 0) {
            return "via GSI " + (value & 0xffffffffL);
        }
        if (type == 1) {
            return "via PCI INTx";
        }
        if (type == 2) {
            return "vector 0x" + Long.toHexString(value & 0xff);
        }
        return "delivery type " + type;
    }
}
