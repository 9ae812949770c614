package org.kemari.ring;

/**
 * The frontend's view of a ring ({@code struct name_front_ring}): its private request producer
 * and response consumer over a {@link SharedRing}. In Kemari the frontend is the guest's driver;
 * dom0 uses this class for tests, tools and simulated guests.
 */
public final class FrontRing<Q, P> {
    private final SharedRing<Q, P> shared;
    private int requestProducerPrivate;
    private int responseConsumer;

    /** {@code FRONT_RING_ATTACH}: both private indexes start at {@code index}. */
    public FrontRing(SharedRing<Q, P> shared, int index) {
        this(shared, index, index);
    }

    /**
     * A frontend with its private indexes as they were, e.g. a replicated guest's driver state
     * on the secondary, which may have consumed fewer responses than were pushed.
     */
    public FrontRing(SharedRing<Q, P> shared, int requestProducerPrivate, int responseConsumer) {
        this.shared = shared;
        this.requestProducerPrivate = requestProducerPrivate;
        this.responseConsumer = responseConsumer;
    }

    /** {@code XEN_FRONT_RING_INIT}: initialises the shared header and attaches at 0. */
    public static <Q, P> FrontRing<Q, P> init(SharedRing<Q, P> shared) {
        shared.init();
        return new FrontRing<>(shared, 0);
    }

    public SharedRing<Q, P> shared() {
        return shared;
    }

    public int requestProducerPrivate() {
        return requestProducerPrivate;
    }

    public int responseConsumer() {
        return responseConsumer;
    }

    /** {@code RING_FREE_REQUESTS}. */
    public int freeRequests() {
        return shared.slots() - (requestProducerPrivate - responseConsumer);
    }

    /** {@code RING_FULL}. */
    public boolean isFull() {
        return freeRequests() == 0;
    }

    /**
     * Writes {@code request} into the next free slot without publishing it; returns its index.
     *
     * @throws IllegalStateException if every slot holds a request not yet answered and consumed
     */
    public int post(Q request) {
        if (isFull()) {
            throw new IllegalStateException(shared.protocol().name() + " front ring full: "
                    + shared.slots() + " requests outstanding from index " + responseConsumer);
        }
        shared.writeRequest(requestProducerPrivate, request);
        return requestProducerPrivate++;
    }

    /** {@code RING_PUSH_REQUESTS}. */
    public void pushRequests() {
        shared.setRequestProducer(requestProducerPrivate);
    }

    /**
     * {@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY}: publishes the posted requests and says whether
     * the backend asked to be woken for any of them (its {@code req_event} was passed).
     */
    public boolean pushRequestsAndCheckNotify() {
        return shared.pushAndCheckNotify(SharedRing.REQ_PROD, SharedRing.REQ_EVENT, requestProducerPrivate);
    }

    /**
     * {@code XEN_RING_NR_UNCONSUMED_RESPONSES}, checked against {@code RING_RESPONSE_PROD_OVERFLOW}.
     *
     * @throws RingProtocolException if the backend claims more responses than requests can exist
     */
    public int unconsumedResponses() {
        int produced = shared.responseProducer();
        int pending = produced - responseConsumer;
        if (Integer.compareUnsigned(pending, shared.slots()) > 0) {
            throw new RingProtocolException(shared.protocol().name() + " ring: backend rsp_prod "
                    + Integer.toUnsignedString(produced) + " is " + Integer.toUnsignedString(pending)
                    + " past rsp_cons " + Integer.toUnsignedString(responseConsumer)
                    + ", more than the " + shared.slots() + " slots");
        }
        return pending;
    }

    /** Copies out the next response and consumes it. */
    public P takeResponse() {
        if (unconsumedResponses() == 0) {
            throw new IllegalStateException(shared.protocol().name()
                    + " front ring: no response at index " + Integer.toUnsignedString(responseConsumer));
        }
        return shared.readResponse(responseConsumer++);
    }

    /**
     * {@code RING_FINAL_CHECK_FOR_RESPONSES}: if nothing is left, asks for a notification at the
     * next response, then looks once more so a response pushed in between is not missed.
     */
    public boolean finalCheckForResponses() {
        return unconsumedResponses() != 0
                || shared.armAndRecheck(SharedRing.RSP_EVENT, responseConsumer + 1, () -> unconsumedResponses() != 0);
    }
}
