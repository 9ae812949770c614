package org.kemari.xen;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Chooses and opens a backend by name, or "auto": xen on a dom0, else a clear refusal. */
public final class Hypervisors {
    private Hypervisors() {
    }

    public static List<HypervisorProvider> providers() {
        List<HypervisorProvider> all = new ArrayList<>();
        ServiceLoader.load(HypervisorProvider.class).forEach(all::add);
        return all;
    }

    public static HypervisorProvider provider(String name) {
        for (HypervisorProvider p : providers()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new XenException("backend", XenException.NO_DOMAIN, 0,
                "unknown backend '" + name + "' (expected xen, sim or auto)");
    }

    /**
     * Opens backend {@code name}. "auto" means xen if this machine is a Xen dom0; it never
     * falls back to the simulator silently, since protecting a simulated guest by mistake
     * would look like protection and be none.
     */
    public static Hypervisor open(String name) {
        HypervisorProvider p = provider("auto".equals(name) ? "xen" : name);
        String why = p.unavailableReason();
        if (why != null) {
            throw new XenException(p.name() + " backend", XenException.NO_DOMAIN, 0,
                    why + ("auto".equals(name) ? "; use --backend sim to run on the simulator" : ""));
        }
        return p.open();
    }
}
