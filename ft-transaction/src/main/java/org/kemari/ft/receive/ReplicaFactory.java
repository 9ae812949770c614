package org.kemari.ft.receive;

import org.kemari.xen.DomainConfig;
import org.kemari.xen.Hypervisor;

/**
 * Makes and removes the paused domain an epoch stream is applied to. The simulator builds one
 * itself ({@link Hypervisor#createDomain}); on real Xen a runnable domain (memory map, HVM
 * params, xenstore, device model) is the toolstack's to build, so the daemon passes a factory
 * that asks xl for it.
 */
public interface ReplicaFactory {

    /** A new paused domain of the primary's shape; returns its domid. */
    int create(DomainConfig shape);

    /** Removes a replica that will not be failed over to (stale, torn or refused stream). */
    void discard(int domid);

    /** Domains created and destroyed by the hypervisor backend itself. */
    static ReplicaFactory of(Hypervisor hv) {
        return new ReplicaFactory() {
            @Override
            public int create(DomainConfig shape) {
                return hv.createDomain(shape);
            }

            @Override
            public void discard(int domid) {
                hv.destroy(domid);
            }
        };
    }
}
