package org.kemari.ring;

/**
 * The consumption loop every backend shares; a subclass says what a request means and answers
 * it through {@link #ring}.
 */
public abstract class AbstractRingBackend<Q, P> implements RingBackend {
    protected final BackRing<Q, P> ring;
    protected final Frontend frontend;

    protected AbstractRingBackend(BackRing<Q, P> ring, Frontend frontend) {
        this.ring = ring;
        this.frontend = frontend;
    }

    /** Serves one request, already consumed; writes its response(s) with {@link BackRing#respond}. */
    protected abstract void serve(Q request);

    protected abstract boolean isOutgoing(Q request);

    @Override
    public final BackRing<Q, P> ring() {
        return ring;
    }

    @Override
    public final Frontend frontend() {
        return frontend;
    }

    @Override
    public final boolean isOutgoing(int index) {
        return isOutgoing(ring.peekRequest(index));
    }

    @Override
    public final int processUpTo(int end) {
        int count = end - ring.requestConsumer();
        ring.requireWithin("end index", end, ring.requestProducer(), true);
        for (int i = 0; i < count; i++) {
            serve(ring.takeRequest());
        }
        if (ring.pushResponsesAndCheckNotify()) {
            frontend.signal();
        }
        return count;
    }
}
