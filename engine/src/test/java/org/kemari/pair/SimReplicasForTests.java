package org.kemari.pair;

import org.kemari.config.PairConfig;
import org.kemari.ft.receive.ReplicaFactory;
import org.kemari.xen.Hypervisor;

/**
 * The engine's tests run on the simulator without the lab, which registers the real support
 * (org.kemari.demo.SimBackendSupport): this registers the one thing they need, replicas the
 * simulator builds itself, through the same {@link BackendSupport} SPI.
 */
public final class SimReplicasForTests implements BackendSupport {
    @Override
    public String backend() {
        return "sim";
    }

    @Override
    public ReplicaFactory replicas(PairConfig pair, Hypervisor hv) {
        return ReplicaFactory.of(hv);
    }
}
