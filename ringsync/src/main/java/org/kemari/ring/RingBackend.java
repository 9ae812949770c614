package org.kemari.ring;

/**
 * A dom0 backend serving one {@link BackRing}, with the decision of <em>when</em> it consumes
 * left to its caller. This is the seam event-tap plugs into.
 *
 * <p>Without a tap, the frontend's event is routed to {@link RequestGate#DIRECT}, which calls
 * {@link #drain()}: consume everything published, re-arm {@code req_event}, repeat until the final
 * check finds nothing.
 *
 * <p>With a tap, the tap is the {@link RequestGate}. On each event it walks the new requests
 * from its own cursor up to {@link BackRing#requestProducer()} with {@link BackRing#peekRequest}
 * (not consuming), asks {@link #isOutgoing} which ones must wait for the secondary's ACK, and
 * re-arms the event with {@link BackRing#finalCheckForRequestsFrom}(cursor). When it may release
 * everything before index {@code i} it calls {@link #processUpTo}{@code (i)}. Requests are
 * consumed strictly in ring order, so a read queued behind a held write waits with it; that is
 * what keeps the guest-visible order identical on primary and secondary.
 *
 * <p>The tap decides on its peeked copy and the backend acts on the copy it reads when it
 * consumes. They agree because a frontend never rewrites a request slot, or the buffers it
 * names, between publishing it and getting the response; a guest that did could only defeat its
 * own fault tolerance (a write it disguised as a read would escape the hold).
 *
 * <p>Not thread-safe: one thread at a time drives a backend.
 */
public interface RingBackend extends AutoCloseable {

    BackRing<?, ?> ring();

    Frontend frontend();

    /**
     * Whether the published, unconsumed request at {@code index} has effects outside the primary
     * (block write/flush/barrier, net transmit) and so must be held until an epoch containing it
     * is acknowledged. Does not consume.
     *
     * @throws IllegalArgumentException unless {@code req_cons <= index < req_prod}
     */
    boolean isOutgoing(int index);

    /**
     * Consumes and serves the requests from {@code req_cons} up to, not including, {@code end};
     * pushes their responses and signals the frontend if its {@code rsp_event} asks for it.
     * Returns the number consumed. Does not touch {@code req_event}.
     *
     * @throws IllegalArgumentException unless {@code req_cons <= end <= req_prod}
     */
    int processUpTo(int end);

    /** Serves everything published, re-arming {@code req_event} until nothing is left. */
    default int drain() {
        int served = 0;
        do {
            served += processUpTo(ring().requestProducer());
        } while (ring().finalCheckForRequests());
        return served;
    }

    @Override
    void close();
}
