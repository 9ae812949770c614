package org.kemari.ring;

import java.nio.ByteBuffer;

/** A test guest: a ring page its frontend initialised, its granted frames, and its event port. */
public final class Guest {
    public static final int DOMID = 7;
    public static final int PORT = 42;

    public final FakeGrants grants = new FakeGrants();
    public final FakeEvents events = new FakeEvents();
    public final Frontend frontend = new Frontend(DOMID, grants, events, PORT);

    /** A fresh one-page ring, initialised as a frontend does. */
    public static <Q, P> FrontRing<Q, P> ring(RingProtocol<Q, P> protocol) {
        return FrontRing.init(new SharedRing<>(ByteBuffer.allocateDirect(4096), protocol));
    }

    /** A one-page ring whose indexes all start at {@code index}, to exercise the 2^32 wrap. */
    public static <Q, P> FrontRing<Q, P> ringAt(RingProtocol<Q, P> protocol, int index) {
        SharedRing<Q, P> shared = new SharedRing<>(ByteBuffer.allocateDirect(4096), protocol);
        shared.init();
        shared.setRequestProducer(index);
        shared.setResponseProducer(index);
        shared.setRequestEvent(index + 1);
        shared.setResponseEvent(index + 1);
        return new FrontRing<>(shared, index);
    }

    /** The backend's side of a frontend's ring, attached where nothing is yet answered. */
    public static <Q, P> BackRing<Q, P> backOf(FrontRing<Q, P> front) {
        return new BackRing<>(front.shared(), front.shared().responseProducer());
    }
}
