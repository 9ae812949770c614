package org.kemari.check;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One acknowledgement the guest sends after a block write completed: "write number {@code seq}
 * put content with hash {@code hash} in block {@code block}". Wire form (40 bytes, little-endian):
 * u64 magic "KMRACK01", u64 seq, u64 block, u64 hash (FNV-1a 64 of the whole 4096-byte block),
 * u64 guest progress counter. See docs/checker.md.
 */
public record AckRecord(long seq, long block, long hash, long counter) {
    public static final long MAGIC = 0x31304b4341524d4bL; // "KMRACK01" read as little-endian
    public static final int SIZE = 40;

    public static AckRecord parse(byte[] packet) {
        if (packet.length != SIZE) {
            throw new IllegalArgumentException("acknowledgement packet of " + packet.length + " bytes, expected " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong() != MAGIC) {
            throw new IllegalArgumentException("packet is not an acknowledgement (bad magic)");
        }
        return new AckRecord(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(MAGIC).putLong(seq).putLong(block).putLong(hash).putLong(counter).array();
    }
}
