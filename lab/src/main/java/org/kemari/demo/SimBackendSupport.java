package org.kemari.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import org.kemari.config.PairConfig;
import org.kemari.ft.receive.ReplicaFactory;
import org.kemari.pair.BackendSupport;
import org.kemari.pair.EngineException;
import org.kemari.ring.guest.WorkloadFormat;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;
import org.kemari.xen.sim.guest.IoGuest;
import org.kemari.xen.sim.guest.IoGuestBoot;
import org.kemari.xen.sim.guest.IoGuestConfig;

/**
 * The engine's {@link BackendSupport} for the simulator (registered with ServiceLoader, so the
 * engine never names the simulator): the io guest program is installed in every daemon, a
 * simulated host that starts with Domain-0 only boots the pair's guest, and replicas are built by
 * the simulator itself.
 */
public final class SimBackendSupport implements BackendSupport {

    @Override
    public String backend() {
        return "sim";
    }

    @Override
    public void install() {
        IoGuest.install();
    }

    /**
     * Boots the pair's guest unless it exists: an io guest whose disk and vif kemari's backends
     * serve, sized to the shared disk image; a memtouch guest when the pair has no devices.
     */
    @Override
    public void prepareHost(PairConfig pair, Hypervisor hv, PrintStream log) {
        if (hv.domains().stream().anyMatch(d -> d.name().equals(pair.domain()))) {
            return;
        }
        if (pair.devices() == null) {
            int domid = SimHost.defaultHost().createGuest(GuestSpec.memtouch(pair.domain()));
            log.println("kemari: sim backend: booted simulated memtouch guest '" + pair.domain() + "' (dom " + domid
                    + "), no devices");
            return;
        }
        long blocks;
        try {
            blocks = Files.size(pair.devices().disk()) / WorkloadFormat.BLOCK_SIZE;
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.CONFIG, "devices.disk: cannot read " + pair.devices().disk()
                    + ": " + e.getMessage(), e);
        }
        int domid = IoGuestBoot.boot(SimHost.defaultHost(), IoGuestConfig.demo(pair.domain()).withBlocks(blocks));
        log.println("kemari: sim backend: booted simulated io guest '" + pair.domain() + "' (dom " + domid
                + ") with a " + blocks + "-block disk on " + pair.devices().disk());
    }

    @Override
    public ReplicaFactory replicas(PairConfig pair, Hypervisor hv) {
        return ReplicaFactory.of(hv);
    }
}
