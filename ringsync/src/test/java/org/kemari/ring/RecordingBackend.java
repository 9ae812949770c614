package org.kemari.ring;

import java.util.ArrayList;
import java.util.List;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;

/** A backend that answers every request OKAY and remembers the ids it served, in order. */
final class RecordingBackend extends AbstractRingBackend<BlkifRequest, BlkifResponse> {
    final List<Long> served = new ArrayList<>();

    RecordingBackend(BackRing<BlkifRequest, BlkifResponse> ring, Frontend frontend) {
        super(ring, frontend);
    }

    @Override
    protected void serve(BlkifRequest request) {
        served.add(request.id());
        ring.respond(new BlkifResponse(request.id(), request.operation(), Blkif.RSP_OKAY));
    }

    @Override
    protected boolean isOutgoing(BlkifRequest request) {
        return request.isOutgoing();
    }

    @Override
    public void close() {
    }
}
