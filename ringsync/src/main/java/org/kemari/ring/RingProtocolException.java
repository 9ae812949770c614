package org.kemari.ring;

/**
 * The other end of a ring broke the protocol (Xen's "ill-behaved frontend/backend"): its producer
 * index runs further ahead than the ring can hold, or a slot says something no valid peer sends.
 * The ring cannot be trusted past this point; the device should be disconnected.
 */
public class RingProtocolException extends RuntimeException {
    public RingProtocolException(String message) {
        super(message);
    }
}
