package org.kemari.tap;

/**
 * What event-tap needs from one device's shared ring: to look at requests the frontend has
 * produced without consuming them, and to tell the backend how far it may consume. Ring indexes
 * are free-running 32-bit counters as in Xen's io/ring.h, compared with wrap-around arithmetic.
 */
public interface TappedRing {

    /** A name for logs and the held-request log, e.g. "vbd/51712" or "vif/0". */
    String name();

    /** The frontend's req_prod, read with acquire ordering. */
    int requestProducer();

    /** Classifies request {@code index}, which lies between the released and produced indexes. */
    RequestKind classify(int index);

    /** Lets the backend consume every request before {@code index} (exclusive). Never moves back. */
    void releaseTo(int index);

    /**
     * Asks the frontend to notify again for the request after {@code observed} (req_event) and
     * reports whether requests arrived meanwhile: the final check of io/ring.h, without which a
     * request published between our read of req_prod and the re-arm would never be seen.
     */
    boolean rearm(int observed);
}
