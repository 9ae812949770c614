package org.kemari.ring;

/**
 * The backend's view of a ring ({@code struct name_back_ring}): its private response producer
 * and request consumer over a {@link SharedRing}.
 *
 * <p>Requests are copied out of the slot when read ({@code RING_COPY_REQUEST}): the guest can
 * rewrite shared memory at any moment, so the backend must validate and act on one copy only.
 *
 * <p>Besides consuming, the ring can be <em>peeked</em>: {@link #peekRequest} reads any request
 * between {@code req_cons} and {@code req_prod} without consuming it. Event-tap uses this to see
 * what the guest asked for while the backend has not yet been allowed to act on it.
 */
public final class BackRing<Q, P> {
    private final SharedRing<Q, P> shared;
    private int responseProducerPrivate;
    private int requestConsumer;

    /** {@code BACK_RING_ATTACH}: both private indexes start at {@code index}. */
    public BackRing(SharedRing<Q, P> shared, int index) {
        this.shared = shared;
        this.responseProducerPrivate = index;
        this.requestConsumer = index;
    }

    public SharedRing<Q, P> shared() {
        return shared;
    }

    public String name() {
        return shared.protocol().name();
    }

    public int requestConsumer() {
        return requestConsumer;
    }

    public int responseProducerPrivate() {
        return responseProducerPrivate;
    }

    /**
     * The frontend's published {@code req_prod}, checked with {@code RING_REQUEST_PROD_OVERFLOW}.
     * Slots below it may be read once this returns (acquire).
     *
     * @throws RingProtocolException if the frontend claims more requests than the ring holds
     */
    public int requestProducer() {
        int produced = shared.requestProducer();
        if (Integer.compareUnsigned(produced - responseProducerPrivate, shared.slots()) > 0) {
            throw new RingProtocolException(name() + " ring: frontend req_prod "
                    + Integer.toUnsignedString(produced) + " is more than " + shared.slots()
                    + " slots past rsp_prod " + Integer.toUnsignedString(responseProducerPrivate));
        }
        return produced;
    }

    /**
     * {@code XEN_RING_NR_UNCONSUMED_REQUESTS}: requests published and not consumed, capped by the
     * slots that are free for responses.
     */
    public int unconsumedRequests() {
        int published = requestProducer() - requestConsumer;
        int room = shared.slots() - (requestConsumer - responseProducerPrivate);
        return Integer.compareUnsigned(published, room) < 0 ? published : room;
    }

    /** {@code RING_REQUEST_CONS_OVERFLOW}: would consuming index {@code cons} overrun our responses? */
    public boolean requestConsumerOverflow(int cons) {
        return Integer.compareUnsigned(cons - responseProducerPrivate, shared.slots()) >= 0;
    }

    /**
     * A copy of the request at {@code index}, not consumed.
     *
     * @throws IllegalArgumentException unless {@code req_cons <= index < req_prod} (unsigned, mod 2^32)
     */
    public Q peekRequest(int index) {
        requireWithin("request index", index, requestProducer(), false);
        return shared.readRequest(index);
    }

    /** {@code req_cons <= index < req_prod}, or {@code <= req_prod} if {@code inclusive}; mod 2^32. */
    void requireWithin(String what, int index, int produced, boolean inclusive) {
        int limit = Integer.compareUnsigned(index - requestConsumer, produced - requestConsumer);
        if (inclusive ? limit > 0 : limit >= 0) {
            throw new IllegalArgumentException(name() + " ring: " + what + " "
                    + Integer.toUnsignedString(index) + " is not between req_cons "
                    + Integer.toUnsignedString(requestConsumer) + " and req_prod "
                    + Integer.toUnsignedString(produced));
        }
    }

    /**
     * Copies out the request at {@code req_cons} and consumes it.
     *
     * @throws IllegalStateException if none is published, or if its slot still holds a response
     *                               we have not pushed ({@code RING_REQUEST_CONS_OVERFLOW})
     */
    public Q takeRequest() {
        if (requestConsumerOverflow(requestConsumer)) {
            throw new IllegalStateException(name() + " ring: all " + shared.slots()
                    + " slots await responses; answer before consuming index "
                    + Integer.toUnsignedString(requestConsumer));
        }
        requireWithin("request index", requestConsumer, requestProducer(), false);
        return shared.readRequest(requestConsumer++);
    }

    /**
     * Writes a response into the next slot without publishing it.
     *
     * @throws IllegalStateException if every consumed request already has a response
     */
    public void respond(P response) {
        if (responseProducerPrivate == requestConsumer) {
            throw new IllegalStateException(name() + " ring: response "
                    + Integer.toUnsignedString(responseProducerPrivate)
                    + " would answer a request not yet consumed");
        }
        shared.writeResponse(responseProducerPrivate++, response);
    }

    /** {@code RING_PUSH_RESPONSES}. */
    public void pushResponses() {
        shared.setResponseProducer(responseProducerPrivate);
    }

    /**
     * {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}: publishes the written responses and says
     * whether the frontend asked to be woken for any of them (its {@code rsp_event} was passed).
     */
    public boolean pushResponsesAndCheckNotify() {
        return shared.pushAndCheckNotify(SharedRing.RSP_PROD, SharedRing.RSP_EVENT, responseProducerPrivate);
    }

    /**
     * {@code RING_FINAL_CHECK_FOR_REQUESTS}: if nothing is left to consume, asks for a
     * notification at the next request, then looks once more.
     */
    public boolean finalCheckForRequests() {
        return unconsumedRequests() != 0
                || shared.armAndRecheck(SharedRing.REQ_EVENT, requestConsumer + 1, () -> unconsumedRequests() != 0);
    }

    /**
     * The final check for a reader that looks ahead of {@code req_cons}: true if a request at or
     * beyond {@code cursor} is published; otherwise arms {@code req_event} so the frontend
     * notifies when the request at {@code cursor} appears, and looks once more. Event-tap calls
     * this with its inspection cursor while it holds requests back, since the plain final check
     * would report the held requests as work forever and never re-arm.
     *
     * @throws IllegalArgumentException unless {@code req_cons <= cursor <= req_prod}
     */
    public boolean finalCheckForRequestsFrom(int cursor) {
        int produced = requestProducer();
        requireWithin("cursor", cursor, produced, true);
        return produced != cursor
                || shared.armAndRecheck(SharedRing.REQ_EVENT, cursor + 1, () -> requestProducer() != cursor);
    }
}
