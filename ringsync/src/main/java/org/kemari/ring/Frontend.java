package org.kemari.ring;

import org.kemari.xen.EventChannels;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;

/**
 * The guest side a backend serves: the frontend's domain, the grant handle through which its
 * I/O buffers are mapped, and the local event-channel port bound to the frontend's port.
 */
public record Frontend(int domid, GrantTables grants, EventChannels events, int port) {

    /** Maps the frame the frontend granted with {@code ref}; closing the mapping unmaps it. */
    public ForeignMapping mapGrant(int ref, boolean writable) {
        return grants.mapGrant(domid, ref, writable);
    }

    /** Sends an event to the frontend (its interrupt handler then checks the ring). */
    public void signal() {
        events.notify(port);
    }
}
