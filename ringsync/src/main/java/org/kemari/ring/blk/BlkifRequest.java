package org.kemari.ring.blk;

import java.util.List;

/**
 * {@code struct blkif_request} as read from a ring slot. {@code nrSegments} is the raw count the
 * guest wrote, {@code segments} the ones decoded (at most {@link Blkif#MAX_SEGMENTS_PER_REQUEST}),
 * so a backend can reject a bad count instead of the decoder throwing on guest input.
 */
public record BlkifRequest(int operation, int nrSegments, int handle, long id, long sectorNumber,
                           List<BlkifSegment> segments) {

    public BlkifRequest {
        segments = List.copyOf(segments);
    }

    /** A well-formed request, as a frontend posts it. */
    public static BlkifRequest of(int operation, int handle, long id, long sectorNumber,
                                  BlkifSegment... segments) {
        if (segments.length > Blkif.MAX_SEGMENTS_PER_REQUEST) {
            throw new IllegalArgumentException("blkif request id " + id + ": " + segments.length
                    + " segments, at most " + Blkif.MAX_SEGMENTS_PER_REQUEST + " fit in a slot");
        }
        return new BlkifRequest(operation, segments.length, handle, id, sectorNumber, List.of(segments));
    }

    /**
     * Whether the request changes state outside the primary (disk contents or their durability),
     * so event-tap must hold it until the secondary has acknowledged an epoch containing it.
     */
    public boolean isOutgoing() {
        return operation != Blkif.OP_READ;
    }
}
