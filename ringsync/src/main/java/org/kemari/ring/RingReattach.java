package org.kemari.ring;

/**
 * Failover: attaching a fresh backend to a ring the secondary holds as replicated guest memory,
 * as of the last committed epoch. The rules, and why they hold, are in docs/ring-reattach.md:
 *
 * <ul>
 *   <li>{@code req_cons} and {@code rsp_prod_pvt} both start at the replicated {@code rsp_prod}:
 *       every request the guest published without seeing an answer in that epoch is consumed
 *       again, in ring order. The dead backend's private indexes are lost with it, and the
 *       replicated {@code req_prod} would skip exactly the requests that need an answer.</li>
 *   <li>Replay is safe because the I/O is idempotent: a read, or a write of the same data to the
 *       same sectors, gives the same result when repeated.</li>
 *   <li>After replay the responses are pushed with the normal event-index check, {@code
 *       req_event} is re-armed by the final check, and the frontend is signalled once
 *       unconditionally, since an event the old backend sent may be lost with the old channel
 *       and a spurious one is harmless.</li>
 * </ul>
 */
public final class RingReattach<Q, P> {
    private final BackRing<Q, P> ring;
    private final int replayFrom;
    private final int replayTo;

    private RingReattach(BackRing<Q, P> ring, int replayFrom, int replayTo) {
        this.ring = ring;
        this.replayFrom = replayFrom;
        this.replayTo = replayTo;
    }

    /**
     * Reads the replicated indexes and attaches a back ring at {@code rsp_prod}.
     *
     * @throws RingProtocolException if the replicated {@code req_prod} is behind {@code rsp_prod}
     *                               or further ahead than the ring holds: that page is no ring
     *                               of this type, or not from a consistent epoch
     */
    public static <Q, P> RingReattach<Q, P> attach(SharedRing<Q, P> replicated) {
        int answered = replicated.responseProducer();
        int published = replicated.requestProducer();
        if (Integer.compareUnsigned(published - answered, replicated.slots()) > 0) {
            throw new RingProtocolException("replicated " + replicated.protocol().name() + " ring is inconsistent: req_prod "
                    + Integer.toUnsignedString(published) + " vs rsp_prod " + Integer.toUnsignedString(answered)
                    + " in a ring of " + replicated.slots() + " slots");
        }
        return new RingReattach<>(new BackRing<>(replicated, answered), answered, published);
    }

    /** The back ring to build the secondary's backend on. */
    public BackRing<Q, P> ring() {
        return ring;
    }

    /** First request to replay: the replicated {@code rsp_prod}. */
    public int replayFrom() {
        return replayFrom;
    }

    /** End (exclusive) of the replay: the replicated {@code req_prod}. */
    public int replayTo() {
        return replayTo;
    }

    public int outstanding() {
        return replayTo - replayFrom;
    }

    /**
     * Serves the outstanding requests (and any the guest published since, if it already runs)
     * through {@code backend}, which must be built on {@link #ring()}, then signals the frontend.
     * Returns the number of requests served.
     */
    public int resume(RingBackend backend) {
        if (backend.ring() != ring) {
            throw new IllegalArgumentException("the " + backend.ring().name()
                    + " backend given to resume is not built on this reattached ring");
        }
        int served = backend.drain();
        backend.frontend().signal();
        return served;
    }
}
