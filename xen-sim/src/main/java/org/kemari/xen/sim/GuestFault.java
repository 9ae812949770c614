package org.kemari.xen.sim;

/** A guest program hit an impossible state of its own (what would be a triple fault on hardware). */
public class GuestFault extends RuntimeException {
    public GuestFault(String reason) {
        super(reason);
    }
}
