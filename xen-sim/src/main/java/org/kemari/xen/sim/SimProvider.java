package org.kemari.xen.sim;

import org.kemari.xen.Hypervisor;
import org.kemari.xen.HypervisorProvider;

/** The "sim" backend: always available; opens the process-wide {@link SimHost#defaultHost()}. */
public final class SimProvider implements HypervisorProvider {
    @Override
    public String name() {
        return "sim";
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Hypervisor open() {
        return SimHost.defaultHost().open();
    }
}
