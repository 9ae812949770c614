package org.kemari.xen.tck;

import java.time.Duration;
import java.util.OptionalInt;

/** The guest kernel's hypercalls a TCK case needs, performed inside a workload guest. */
public interface GuestAgent {

    int allocUnboundPort(int remoteDomid);

    int bindInterdomain(int remoteDomid, int remotePort);

    void notify(int port);

    OptionalInt awaitEvent(Duration timeout);

    /** Grants {@code grantee} access to frame {@code pfn}; returns the grant ref. */
    int grantAccess(int grantee, long pfn, boolean readonly);

    /** False while the grantee still maps the frame. */
    boolean endAccess(int ref);
}
