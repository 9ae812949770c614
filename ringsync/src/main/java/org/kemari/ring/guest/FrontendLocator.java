package org.kemari.ring.guest;

import java.util.Optional;
import java.util.ServiceLoader;
import org.kemari.xen.Hypervisor;

/**
 * Where a backend keeps the parameters of the frontends kemari's dom0 backends serve, found with
 * {@link ServiceLoader} by backend name, so that production code never names a backend. The
 * simulator's io guest keeps them in its info page (module xen-sim); no locator is registered for
 * real Xen yet, where kemari's own backends serve no guest.
 */
public interface FrontendLocator {

    /** The {@link Hypervisor#backend()} this locator serves. */
    String backend();

    /**
     * Reads {@code domid}'s frontend parameters.
     *
     * @throws IllegalStateException if the domain has no frontends kemari can serve
     */
    FrontendParams locate(Hypervisor hv, int domid);

    /** The locator registered for {@code backend}, if this build has one. */
    static Optional<FrontendLocator> find(String backend) {
        for (FrontendLocator l : ServiceLoader.load(FrontendLocator.class)) {
            if (l.backend().equals(backend)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** The locator registered for {@code backend}. */
    static FrontendLocator forBackend(String backend) {
        return find(backend).orElseThrow(() -> new IllegalStateException("backend " + backend + ": kemari's own dom0 backends cannot find this guest's"
                + " frontends (no FrontendLocator for this backend in this build)"));
    }
}
