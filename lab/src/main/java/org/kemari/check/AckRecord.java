package org.kemari.check;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * One acknowledgement the guest sends after a block write completed: "write number {@code seq}
 * put content with hash {@code hash} in block {@code block}". Wire form (40 bytes, little-endian):
 * u64 magic "KMRACK01", u64 seq, u64 block, u64 hash (FNV-1a 64 of the whole 4096-byte block),
 * u64 guest progress counter. See docs/checker.md.
 */
public record AckRecord(long seq, long block, long hash, long counter) {
    public static final long MAGIC = 0x31304b4341524d4bL; // "KMRACK01" read as little-endian
    public static final int SIZE = 40;

    /** IEEE 802 "local experimental" EtherType: how the real-Xen guest's workload frames its acknowledgements. */
    public static final int ETHERTYPE = 0x88B5;
    private static final int ETHERNET_HEADER = 14;

    /**
     * What one packet a guest sent says: an acknowledgement (the simulated guest sends the bare
     * 40 bytes), or, in an Ethernet frame of type {@link #ETHERTYPE}, the acknowledgement after
     * the 14-byte header (an emulated NIC pads it to 60 bytes). Empty for any other Ethernet
     * frame: a real guest's kernel sends its own (IPv6 router solicitations when the link comes
     * up), which are no acknowledgements and no error either.
     */
    public static Optional<AckRecord> fromPacket(byte[] packet) {
        if (packet.length == SIZE) {
            return Optional.of(parse(packet));
        }
        if (packet.length < ETHERNET_HEADER + 2) {
            throw new IllegalArgumentException("packet of " + packet.length + " bytes is neither an acknowledgement ("
                    + SIZE + " bytes) nor an Ethernet frame");
        }
        int type = (packet[12] & 0xff) << 8 | packet[13] & 0xff;
        if (type != ETHERTYPE) {
            return Optional.empty();
        }
        if (packet.length < ETHERNET_HEADER + SIZE) {
            throw new IllegalArgumentException("Ethernet frame of type 0x88b5 of " + packet.length
                    + " bytes is too short for an acknowledgement");
        }
        return Optional.of(parse(Arrays.copyOfRange(packet, ETHERNET_HEADER, ETHERNET_HEADER + SIZE)));
    }

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
