package org.kemari.xen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An HVM context blob as xc_domain_hvm_getcontext returns it: a sequence of save records, each
 * a descriptor (typecode u16, instance u16, length u32, little-endian) followed by its data,
 * starting with the HEADER record (typecode 1: magic, version, changeset, cpuid, gtsc_khz) and
 * ending with END (typecode 0). Opaque to replication; parsed only to check and to compare.
 */
public final class HvmContext {
    public static final int TYPE_END = 0;
    public static final int TYPE_HEADER = 1;
    public static final int TYPE_CPU = 2;
    /** HVM_FILE_MAGIC from public/arch-x86/hvm/save.h. */
    public static final int FILE_MAGIC = 0x54381286;
    public static final int FILE_VERSION = 1;
    public static final int DESCRIPTOR_SIZE = 8;

    private final byte[] blob;

    public HvmContext(byte[] blob) {
        this.blob = blob.clone();
    }

    public byte[] bytes() {
        return blob.clone();
    }

    public int size() {
        return blob.length;
    }

    /** The records in order; fails if the blob is not a well-formed, terminated record sequence. */
    public List<Record> records() {
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        List<Record> out = new ArrayList<>();
        while (b.remaining() >= DESCRIPTOR_SIZE) {
            int type = Short.toUnsignedInt(b.getShort());
            int instance = Short.toUnsignedInt(b.getShort());
            long len = Integer.toUnsignedLong(b.getInt());
            if (len > b.remaining()) {
                throw new IllegalArgumentException("HVM context record type " + type + " claims "
                        + len + " bytes, " + b.remaining() + " left");
            }
            byte[] data = new byte[(int) len];
            b.get(data);
            out.add(new Record(type, instance, data));
            if (type == TYPE_END) {
                return out;
            }
        }
        throw new IllegalArgumentException("HVM context has no END record");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HvmContext h && Arrays.equals(blob, h.blob);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return "HvmContext[" + blob.length + " bytes]";
    }

    public record Record(int type, int instance, byte[] data) {
    }
}
