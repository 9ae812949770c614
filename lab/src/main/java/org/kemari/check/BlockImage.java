package org.kemari.check;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The self-describing 4096-byte blocks the workload writes (docs/checker.md): u64 magic
 * "KMRBLK01", u64 seq, u64 block, u64 FNV-1a 64 of bytes 32..4095, then payload. A block whose
 * inner checksum fails is torn or foreign, which no acknowledged write may leave behind.
 */
public final class BlockImage {
    public static final int BLOCK_SIZE = 4096;
    public static final long MAGIC = 0x31304b4c42524d4bL; // "KMRBLK01"
    static final int HEADER = 32;

    private BlockImage() {
    }

    /** FNV-1a, 64 bit, over {@code len} bytes of {@code b} from {@code off}. */
    public static long fnv1a64(ByteBuffer b, int off, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = off; i < off + len; i++) {
            h ^= b.get(i) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** What a block on disk says about itself. */
    public record Header(boolean written, boolean intact, long seq, long block) {
    }

    public static Header header(ByteBuffer block) {
        ByteBuffer b = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(0) != MAGIC) {
            return new Header(false, false, -1, -1);
        }
        boolean intact = b.getLong(24) == fnv1a64(b, HEADER, BLOCK_SIZE - HEADER);
        return new Header(true, intact, b.getLong(8), b.getLong(16));
    }
}
