package org.kemari.ring.blk;

/**
 * {@code struct blkif_request_segment} (8 bytes: gref u32@0, first_sect u8@4, last_sect u8@5):
 * sectors {@code firstSect..lastSect} (inclusive) of the granted 4 KiB frame. Values are kept as
 * the guest wrote them; the backend validates them.
 */
public record BlkifSegment(int gref, int firstSect, int lastSect) {

    /** Byte offset of the transfer within the granted frame. */
    public int frameOffset() {
        return firstSect * Blkif.SECTOR_SIZE;
    }

    /** Bytes transferred; not positive for a malformed segment. */
    public int length() {
        return (lastSect - firstSect + 1) * Blkif.SECTOR_SIZE;
    }

    /** Whether it names a non-empty sector range inside one frame. */
    public boolean isValid() {
        return firstSect <= lastSect && lastSect < Blkif.SECTORS_PER_FRAME;
    }
}
