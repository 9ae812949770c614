package org.kemari.ring.blk;

/** {@code struct blkif_response} (16 bytes: id u64@0, operation u8@8, status i16@10). */
public record BlkifResponse(long id, int operation, int status) {
}
