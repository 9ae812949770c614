package org.kemari.ft.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The fixed-layout record bodies (docs/ft-transaction.md §4.1), each with its codec. */
public final class Control {
    private Control() {
    }

    public record EpochBegin(long epoch, long pages) {
        public ByteBuffer encode() {
            return twoLongs(epoch, pages);
        }

        public static EpochBegin decode(Record r) throws StreamException {
            long[] v = twoLongs(r);
            return new EpochBegin(v[0], v[1]);
        }
    }

    public record EpochCommit(long epoch, int records, int digest) {
        public ByteBuffer encode() {
            return le(16).putLong(epoch).putInt(records).putInt(digest).flip();
        }

        public static EpochCommit decode(Record r) throws StreamException {
            ByteBuffer b = exact(r, 16);
            return new EpochCommit(b.getLong(), b.getInt(), b.getInt());
        }
    }

    public record Ack(long epoch) {
        public ByteBuffer encode() {
            return le(8).putLong(epoch).flip();
        }

        public static Ack decode(Record r) throws StreamException {
            return new Ack(exact(r, 8).getLong());
        }
    }

    /** @param epoch primary: the last epoch sent; secondary: the last committed */
    public record Heartbeat(long sequence, long epoch) {
        public ByteBuffer encode() {
            return twoLongs(sequence, epoch);
        }

        public static Heartbeat decode(Record r) throws StreamException {
            long[] v = twoLongs(r);
            return new Heartbeat(v[0], v[1]);
        }
    }

    public record Error(ErrorCode code, String message) {
        public ByteBuffer encode() {
            byte[] text = message.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(text.length, Wire.MAX_ERROR_MESSAGE);
            return le(8 + n).putInt(code.code()).putInt(0).put(text, 0, n).flip();
        }

        public static Error decode(Record r) throws StreamException {
            ByteBuffer b = r.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() < 8 || b.remaining() > 8 + Wire.MAX_ERROR_MESSAGE) {
                throw badLength(r, "8 to " + (8 + Wire.MAX_ERROR_MESSAGE));
            }
            int code = b.getInt();
            reserved(r, b.getInt());
            byte[] text = new byte[b.remaining()];
            b.get(text);
            return new Error(ErrorCode.of(code), new String(text, StandardCharsets.UTF_8));
        }
    }

    /** The VCPU_CONTEXT body: the vcpu number, then the context bytes. */
    public record Vcpu(int vcpu, byte[] context) {
        public ByteBuffer encode() {
            return le(8 + context.length).putInt(vcpu).putInt(0).put(context).flip();
        }

        public static Vcpu decode(Record r) throws StreamException {
            ByteBuffer b = r.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() < 8) {
                throw badLength(r, "at least 8");
            }
            int vcpu = b.getInt();
            reserved(r, b.getInt());
            byte[] ctx = new byte[b.remaining()];
            b.get(ctx);
            return new Vcpu(vcpu, ctx);
        }
    }

    /**
     * The PHYSMAP body (§5.4): where Xen's own pages sit in the physmap of a PVH or HVM guest.
     * This version knows one, the shared-info page.
     *
     * @param sharedInfo the shared-info page's gfn, -1 if the guest has not mapped it
     */
    public record Physmap(long sharedInfo) {
        /** XENMAPSPACE_shared_info (public/memory.h); its idx is always 0. */
        static final int SPACE_SHARED_INFO = 0;
        private static final int ENTRY = 24;

        public ByteBuffer encode() {
            if (sharedInfo < 0) {
                return le(8).putInt(0).putInt(0).flip();
            }
            return le(8 + ENTRY).putInt(1).putInt(0).putInt(SPACE_SHARED_INFO).putInt(0).putLong(0).putLong(sharedInfo).flip();
        }

        public static Physmap decode(Record r) throws StreamException {
            ByteBuffer b = r.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() < 8) {
                throw badLength(r, "at least 8");
            }
            int count = b.getInt();
            reserved(r, b.getInt());
            if (count < 0 || b.remaining() != (long) count * ENTRY) {
                throw badLength(r, "8 + 24 x " + Integer.toUnsignedString(count));
            }
            long shared = -1;
            for (int i = 0; i < count; i++) {
                int space = b.getInt();
                reserved(r, b.getInt());
                long idx = b.getLong();
                long gpfn = b.getLong();
                if (space != SPACE_SHARED_INFO || idx != 0) {
                    throw new StreamException(ErrorCode.UNSUPPORTED, r.typeName(), r.offset(), "entry " + i
                            + ": Xen page of space " + Integer.toUnsignedString(space) + " index " + Long.toUnsignedString(idx)
                            + " (this version re-creates only the shared-info page, space 0 index 0)");
                }
                if (shared >= 0 || gpfn < 0) {
                    throw new StreamException(ErrorCode.PROTOCOL, r.typeName(), r.offset(), "entry " + i
                            + (gpfn < 0 ? ": gpfn " + Long.toUnsignedString(gpfn) + " is invalid" : ": shared info listed twice"));
                }
                shared = gpfn;
            }
            return new Physmap(shared);
        }
    }

    private static ByteBuffer twoLongs(long a, long b) {
        return le(16).putLong(a).putLong(b).flip();
    }

    private static long[] twoLongs(Record r) throws StreamException {
        ByteBuffer b = exact(r, 16);
        return new long[] {b.getLong(), b.getLong()};
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer exact(Record r, int size) throws StreamException {
        if (r.length() != size) {
            throw badLength(r, Integer.toString(size));
        }
        return r.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    static void reserved(Record r, int value) throws StreamException {
        if (value != 0) {
            throw new StreamException(ErrorCode.PROTOCOL, r.typeName(), r.offset(), "reserved field is not zero");
        }
    }

    private static StreamException badLength(Record r, String expected) {
        return new StreamException(ErrorCode.PROTOCOL, r.typeName(), r.offset(),
                "body of " + r.length() + " bytes, expected " + expected);
    }
}
