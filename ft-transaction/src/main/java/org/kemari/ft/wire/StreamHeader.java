package org.kemari.ft.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.kemari.xen.DomainType;

/**
 * The 56-byte header that opens each direction of the stream (docs/ft-transaction.md §3):
 * who writes, the page encodings offered or accepted, and the guest's shape.
 */
public record StreamHeader(Role role, int features, DomainType domainType, int vcpus,
                           long maxPages, long maxGpfn, int maxRecord) {
    public static final int SIZE = 56;
    public static final int VERSION = 1;
    public static final int PAGE_SHIFT = 12;
    private static final byte[] MAGIC = "KEMARIFT".getBytes(StandardCharsets.US_ASCII);

    public StreamHeader {
        boolean refusal = role == Role.SECONDARY && vcpus == 0 && maxPages == 0 && maxGpfn == 0;
        if (!refusal && (vcpus < 1 || maxPages < 1 || maxGpfn < 0)) {
            throw new IllegalArgumentException("guest shape out of range: " + vcpus + " vcpus, "
                    + maxPages + " pages, max gpfn " + maxGpfn);
        }
        if (maxRecord < 0 || maxRecord > Wire.MAX_RECORD) {
            throw new IllegalArgumentException("max record " + maxRecord + " beyond " + Wire.MAX_RECORD);
        }
    }

    /** The answer a secondary gives to this (primary) header. */
    public StreamHeader answer(int acceptedFeatures) {
        return new StreamHeader(Role.SECONDARY, acceptedFeatures, domainType, vcpus, maxPages, maxGpfn, Wire.MAX_RECORD);
    }

    /**
     * What a secondary sends in place of a real answer when it refuses the stream before having
     * a replica: no shape, no features; an ERROR record with the reason follows.
     */
    public static StreamHeader refusal() {
        return new StreamHeader(Role.SECONDARY, 0, DomainType.PV, 0, 0, 0, Wire.MAX_RECORD);
    }

    public boolean refused() {
        return role == Role.SECONDARY && vcpus == 0 && maxPages == 0 && maxGpfn == 0;
    }

    /** True if {@code other} describes the same guest. */
    public boolean sameShape(StreamHeader other) {
        return domainType == other.domainType && vcpus == other.vcpus
                && maxPages == other.maxPages && maxGpfn == other.maxGpfn;
    }

    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) VERSION).put((byte) role.code()).put((byte) PAGE_SHIFT)
                .putInt(features).putInt(domainType.ordinal()).putInt(vcpus)
                .putLong(maxPages).putLong(maxGpfn).putInt(maxRecord).putInt(0);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue()).putInt(0);
        return b.flip();
    }

    /** Decodes and checks a header that {@code expected} should have written. */
    public static StreamHeader decode(ByteBuffer in, Role expected) throws StreamException {
        ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw bad(ErrorCode.UNSUPPORTED, 0, "not a kemari epoch stream (bad magic)");
        }
        int version = Short.toUnsignedInt(b.getShort());
        if (version != VERSION) {
            throw bad(ErrorCode.UNSUPPORTED, 8, "stream version " + version + ", this side speaks " + VERSION);
        }
        int role = b.get();
        if (role != expected.code()) {
            throw bad(ErrorCode.PROTOCOL, 10, "header role " + role + ", expected " + expected.code() + " (" + expected + ")");
        }
        int pageShift = b.get();
        if (pageShift != PAGE_SHIFT) {
            throw bad(ErrorCode.UNSUPPORTED, 11, "page shift " + pageShift + ", only " + PAGE_SHIFT + " (4 KiB) is supported");
        }
        int features = b.getInt();
        int type = b.getInt();
        int vcpus = b.getInt();
        long maxPages = b.getLong();
        long maxGpfn = b.getLong();
        int maxRecord = b.getInt();
        int reserved = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(in.duplicate().limit(in.position() + 48));
        int stored = b.getInt();
        if (stored != (int) crc.getValue()) {
            throw bad(ErrorCode.INTEGRITY, 48, "header CRC32C mismatch");
        }
        if (reserved != 0 || b.getInt() != 0) {
            throw bad(ErrorCode.PROTOCOL, 44, "reserved header field is not zero");
        }
        if (type < 0 || type >= DomainType.values().length) {
            throw bad(ErrorCode.UNSUPPORTED, 16, "unknown domain type " + type);
        }
        if (expected == Role.SECONDARY && vcpus == 0 && maxPages == 0 && maxGpfn == 0) {
            return refusal();
        }
        if (vcpus < 1 || maxPages < 1 || maxGpfn < 0 || maxGpfn >= Wire.MAX_GPFN) {
            throw bad(ErrorCode.PROTOCOL, 20, "guest shape out of range: " + Integer.toUnsignedString(vcpus)
                    + " vcpus, " + Long.toUnsignedString(maxPages) + " pages, max gpfn " + Long.toUnsignedString(maxGpfn));
        }
        if (Integer.toUnsignedLong(maxRecord) > Wire.MAX_RECORD) {
            throw bad(ErrorCode.TOO_LARGE, 40, "announced max record " + Integer.toUnsignedString(maxRecord)
                    + " beyond " + Wire.MAX_RECORD);
        }
        return new StreamHeader(expected, features, DomainType.values()[type], vcpus, maxPages, maxGpfn, maxRecord);
    }

    private static StreamException bad(ErrorCode code, long offset, String detail) {
        return new StreamException(code, "stream header", offset, detail);
    }
}
