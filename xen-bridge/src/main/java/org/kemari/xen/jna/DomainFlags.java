package org.kemari.xen.jna;

import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainState;
import org.kemari.xen.DomainType;
import org.kemari.xen.jna.bind.XcDomainInfo;
import org.kemari.xen.jna.bind.XenCtrl;

/** Reads an xc_domaininfo_t the way `xl list` does. */
final class DomainFlags {
    private DomainFlags() {
    }

    static DomainInfo toInfo(XcDomainInfo raw, String name, long maxGpfn) {
        // max_vcpu_id is XEN_INVALID_MAX_VCPU_ID (~0U) for a domain without vcpus: +1 gives 0.
        return new DomainInfo(domid(raw), name, state(raw.flags), type(raw.flags, raw.arch_config.emulation_flags),
                raw.max_pages, raw.tot_pages, maxGpfn, raw.max_vcpu_id + 1);
    }

    static int domid(XcDomainInfo raw) {
        return Short.toUnsignedInt(raw.domain);
    }

    /** One state, most decisive first: a dying or crashed domain may also carry other bits. */
    static DomainState state(int flags) {
        if ((flags & XenCtrl.XEN_DOMINF_dying) != 0) {
            return DomainState.DYING;
        }
        if ((flags & XenCtrl.XEN_DOMINF_shutdown) != 0) {
            int code = (flags >>> XenCtrl.XEN_DOMINF_shutdownshift) & XenCtrl.XEN_DOMINF_shutdownmask;
            return code == XenCtrl.SHUTDOWN_crash ? DomainState.CRASHED : DomainState.SHUTDOWN;
        }
        if ((flags & XenCtrl.XEN_DOMINF_paused) != 0) {
            return DomainState.PAUSED;
        }
        if ((flags & XenCtrl.XEN_DOMINF_blocked) != 0) {
            return DomainState.BLOCKED;
        }
        // Runnable but waiting for a pcpu (no flag; `xl list` shows '-') is running to us.
        return DomainState.RUNNING;
    }

    /**
     * Xen itself only knows PV versus HVM container; PVH is an HVM container without the
     * emulated legacy platform, which libxl gives to every HVM guest (the PIC among it).
     */
    static DomainType type(int flags, int emulationFlags) {
        if ((flags & XenCtrl.XEN_DOMINF_hvm_guest) == 0) {
            return DomainType.PV;
        }
        return (emulationFlags & XenCtrl.XEN_X86_EMU_PIC) != 0 ? DomainType.HVM : DomainType.PVH;
    }
}
