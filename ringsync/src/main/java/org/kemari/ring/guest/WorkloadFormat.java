package org.kemari.ring.guest;

import java.nio.ByteBuffer;

/**
 * The two formats of docs/checker.md as the guest produces them: the self-describing 4 KiB block
 * it writes and the 40-byte acknowledgement it sends once the write is answered. The checker
 * has its own reader and shares no code with this writer, so a mistake here shows up there.
 * Buffers are little-endian views of guest frames.
 */
public final class WorkloadFormat {
    public static final int BLOCK_SIZE = 4096;
    public static final int ACK_SIZE = 40;
    /** "KMRBLK01" and "KMRACK01" read little-endian. */
    public static final long BLOCK_MAGIC = 0x31304b4c42524d4bL;
    public static final long ACK_MAGIC = 0x31304b4341524d4bL;
    /** Inner checksum covers the payload, which starts here. */
    public static final int PAYLOAD_OFFSET = 32;
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private WorkloadFormat() {
    }

    /** Fills {@code block} (4096 bytes from index 0) with write {@code seq} of block {@code index}. */
    public static void writeBlock(ByteBuffer block, long seq, long index) {
        long state = seq * GOLDEN + 1;
        for (int at = PAYLOAD_OFFSET; at < BLOCK_SIZE; at += Long.BYTES) {
            state += GOLDEN;
            block.putLong(at, mix(state));
        }
        block.putLong(0, BLOCK_MAGIC);
        block.putLong(8, seq);
        block.putLong(16, index);
        block.putLong(24, fnv1a(block, PAYLOAD_OFFSET, BLOCK_SIZE));
    }

    /** Writes the acknowledgement of a completed block write at index 0 of {@code packet}. */
    public static void writeAck(ByteBuffer packet, long seq, long index, long blockHash, long progress) {
        packet.putLong(0, ACK_MAGIC);
        packet.putLong(8, seq);
        packet.putLong(16, index);
        packet.putLong(24, blockHash);
        packet.putLong(32, progress);
    }

    /** FNV-1a 64 of bytes {@code from} (inclusive) to {@code to} (exclusive). */
    public static long fnv1a(ByteBuffer data, int from, int to) {
        long h = FNV_OFFSET_BASIS;
        for (int i = from; i < to; i++) {
            h ^= data.get(i) & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** SplitMix64's finaliser: payload bytes that differ from write to write. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
