package org.kemari.pair;

import java.util.ServiceLoader;
import org.kemari.config.PairConfig;
import org.kemari.ft.receive.ReplicaFactory;
import org.kemari.xen.Hypervisor;

/**
 * What a hypervisor backend adds to the engine beyond the Hypervisor API, found with
 * {@link ServiceLoader} by backend name so that the engine never names a backend: a simulated host
 * starts empty and builds replicas itself (the lab registers the simulator's support); real Xen
 * has no support registered, and the engine builds replicas with {@code xl create -p}.
 */
public interface BackendSupport {

    /** The {@link Hypervisor#backend()} this serves. */
    String backend();

    /** Once per daemon, before the pair runs (e.g. registering the guest programs a replica runs). */
    default void install() {
    }

    /**
     * Called by protect before the domain is looked up: the place to make the guest exist where
     * the backend starts empty.
     */
    default void prepareHost(PairConfig pair, Hypervisor hv, java.io.PrintStream log) {
    }

    /** Builds replicas on this backend; null means the engine's default (xl create -p). */
    default ReplicaFactory replicas(PairConfig pair, Hypervisor hv) {
        return null;
    }

    /** The support registered for {@code hv}'s backend, or one that adds nothing. */
    static BackendSupport of(Hypervisor hv) {
        for (BackendSupport s : ServiceLoader.load(BackendSupport.class)) {
            if (s.backend().equals(hv.backend())) {
                return s;
            }
        }
        String name = hv.backend();
        return () -> name;
    }
}
