package org.kemari.ring;

/**
 * What happens when a frontend signals that it published requests: the point between the
 * frontend's notification and the backend where event-tap sits (see {@link RingBackend}).
 */
@FunctionalInterface
public interface RequestGate {

    /** No tap: the backend serves everything at once. */
    RequestGate DIRECT = RingBackend::drain;

    void requestsPublished(RingBackend backend);
}
