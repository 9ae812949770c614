package org.kemari.xen.sim;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.kemari.xen.Errno;
import org.kemari.xen.XenException;
import org.kemari.xen.XenStore;

/**
 * The guest kernel's side of a simulated domain: what a frontend driver in the guest does
 * through hypercalls — event channels, grants, xenstore — plus its view of its own memory.
 * Guest programs receive it in {@link GuestProgram#step}; tests get it from {@link SimHost#guest}.
 *
 * <p>Guest event channels are not masked on delivery (a guest kernel's upcall just runs the
 * handler): a port is queued once when it fires, and notifications coalesce until
 * {@link #pollEvent} or {@link #awaitEvent} takes it.
 */
public final class SimGuest {
    private final SimHost host;
    private final SimDomain domain;
    private final LinkedBlockingQueue<Integer> fired = new LinkedBlockingQueue<>();
    private final EventChannelModel.Receiver receiver;

    SimGuest(SimHost host, SimDomain domain) {
        this.host = host;
        this.domain = domain;
        this.receiver = c -> {
            fired.add(c.port);
            domain.kick();
        };
    }

    public int domid() {
        return domain.id;
    }

    public GuestMemory memory() {
        return domain.memory;
    }

    /** EVTCHNOP_alloc_unbound: a port {@code remoteDomid} may bind to. */
    public int allocUnboundPort(int remoteDomid) {
        return host.events.allocUnbound("EVTCHNOP_alloc_unbound", domain.id, remoteDomid, receiver);
    }

    /** EVTCHNOP_bind_interdomain. */
    public int bindInterdomain(int remoteDomid, int remotePort) {
        return host.events.bindInterdomain("EVTCHNOP_bind_interdomain", domain.id, remoteDomid, remotePort, receiver);
    }

    /** EVTCHNOP_send. */
    public void notify(int port) {
        host.events.send("EVTCHNOP_send", domain.id, port);
    }

    /** EVTCHNOP_close. */
    public void closePort(int port) {
        host.events.close("EVTCHNOP_close", domain.id, port);
    }

    /** A port that fired, without waiting: what a program's step may call. */
    public OptionalInt pollEvent() {
        return take(fired.poll());
    }

    public OptionalInt awaitEvent(Duration timeout) {
        try {
            return take(fired.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XenException("SCHEDOP_block", domain.id, Errno.EINTR, "interrupted while waiting for an event");
        }
    }

    /** gnttab_grant_foreign_access: lets {@code grantee} map frame {@code pfn}; returns the ref. */
    public int grantAccess(int grantee, long pfn, boolean readonly) {
        if (pfn < 0 || pfn >= domain.pages) {
            throw new XenException("gnttab_grant_foreign_access", domain.id, Errno.EINVAL, "pfn " + pfn
                    + " is outside the domain's " + domain.pages + " pages");
        }
        return domain.grants.grant("gnttab_grant_foreign_access", domain.id, grantee, pfn, readonly);
    }

    /** gnttab_end_foreign_access_ref: false while the grantee still has the frame mapped. */
    public boolean endAccess(int ref) {
        return domain.grants.endAccess(ref);
    }

    /** A xenstore connection as this domain: relative paths are under /local/domain/&lt;domid&gt;. */
    public XenStore xenstore() {
        return new SimXenStore(host.store, domain.id);
    }

    private OptionalInt take(Integer port) {
        if (port == null) {
            return OptionalInt.empty();
        }
        host.events.clearPending(domain.id, port);
        return OptionalInt.of(port);
    }
}
