package org.kemari.xen.sim.guest;

import org.kemari.ring.FrontRing;
import org.kemari.ring.RingProtocol;
import org.kemari.ring.SharedRing;
import org.kemari.xen.sim.GuestInfoPage;
import org.kemari.xen.sim.GuestMemory;

/**
 * A frontend's side of a shared ring as the simulated guests drive it: the private indexes live
 * in the info page, not in a FrontRing object, which is rebuilt over them for each operation,
 * so a replica built from a copy of memory continues the ring exactly.
 */
final class InfoPageRings {
    private static final long INFO = GuestInfoPage.PFN;

    private InfoPageRings() {
    }

    /** What a frontend does at boot: the shared indexes zeroed in its own frame. */
    static <Q, P> void init(GuestMemory memory, long pfn, RingProtocol<Q, P> protocol) {
        memory.update(pfn, page -> FrontRing.init(new SharedRing<>(page, protocol)));
    }

    /**
     * Posts and publishes one request on the ring in frame {@code ringPfn}; says whether the
     * backend must be notified.
     */
    static <Q, P> boolean post(GuestMemory memory, long ringPfn, RingProtocol<Q, P> protocol,
                               int producerAt, int consumerAt, Q request) {
        int producer = (int) memory.getLong(INFO, producerAt);
        int consumer = (int) memory.getLong(INFO, consumerAt);
        boolean notify = memory.update(ringPfn, page -> {
            FrontRing<Q, P> front = new FrontRing<>(new SharedRing<>(page, protocol), producer, consumer);
            front.post(request);
            boolean wanted = front.pushRequestsAndCheckNotify();
            front.finalCheckForResponses(); // asks for an event when the answer comes
            return wanted;
        });
        memory.putLong(INFO, producerAt, Integer.toUnsignedLong(producer + 1));
        return notify;
    }

    /** The next response on the ring in frame {@code ringPfn}, consumed, or null if there is none yet. */
    static <Q, P> P takeResponse(GuestMemory memory, long ringPfn, RingProtocol<Q, P> protocol,
                                 int producerAt, int consumerAt) {
        int producer = (int) memory.getLong(INFO, producerAt);
        int consumer = (int) memory.getLong(INFO, consumerAt);
        // Looking is a read: polling every step must not dirty the ring page.
        FrontRing<Q, P> peek = new FrontRing<>(new SharedRing<>(memory.readOnlyFrame(ringPfn), protocol), producer, consumer);
        if (peek.unconsumedResponses() == 0) {
            return null;
        }
        // Consuming re-arms rsp_event, a write to the ring page in the same step that moves rsp_cons
        // in the info page: an epoch that has the new rsp_cons then also has the response it consumed,
        // even though dom0's writes to the ring (through a grant mapping) are not logged dirty.
        P response = memory.update(ringPfn, page -> {
            FrontRing<Q, P> front = new FrontRing<>(new SharedRing<>(page, protocol), producer, consumer);
            P taken = front.takeResponse();
            front.finalCheckForResponses();
            return taken;
        });
        memory.putLong(INFO, consumerAt, Integer.toUnsignedLong(consumer + 1));
        return response;
    }
}
