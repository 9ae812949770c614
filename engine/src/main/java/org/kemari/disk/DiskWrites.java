package org.kemari.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kemari.ft.wire.Wire;

/**
 * The body of a DISK_WRITES epoch record (docs/ft-transaction.md §5.5), little-endian:
 * <pre>
 * u64 disk_size
 * u32 count
 * u32 flags          bit 0: COPIED, the whole disk has reached the secondary in this stream
 * count × { u64 offset, u32 length, u32 reserved, u8 data[length] }
 * </pre>
 * The primary builds the bodies as writes complete, so that cutting an epoch while the guest is
 * paused costs no copying; a write that does not fit the record being built continues in the next.
 */
final class DiskWrites {
    static final int HEADER = 16;
    static final int ENTRY = 16;
    static final int COPIED = 1;

    /** One write of a record: {@code data} is a view into the record body. */
    record Write(long offset, ByteBuffer data) {
    }

    /** A parsed record: its writes, and whether the disk had been copied whole by its epoch. */
    record Body(boolean copied, List<Write> writes) {
    }

    private DiskWrites() {
    }

    /** Encodes the writes of one epoch into record bodies of at most {@code maxBody} bytes each. */
    static final class Builder {
        private final long diskSize;
        private final int maxBody;
        private final List<byte[]> done = new ArrayList<>();
        private ByteBuffer current;
        private int count;

        Builder(long diskSize) {
            this(diskSize, Wire.MAX_RECORD);
        }

        Builder(long diskSize, int maxBody) {
            if (maxBody < HEADER + ENTRY + 1) {
                throw new IllegalArgumentException("a DISK_WRITES body of at most " + maxBody + " bytes cannot hold a write");
            }
            this.diskSize = diskSize;
            this.maxBody = maxBody;
            start();
        }

        /** Appends {@code data} (position to limit, left unchanged) as written at {@code offset}. */
        void add(long offset, ByteBuffer data) {
            ByteBuffer rest = data.duplicate();
            long at = offset;
            while (rest.hasRemaining()) {
                if (maxBody - current.position() < ENTRY + 1) {
                    seal();
                    start();
                }
                int n = Math.min(rest.remaining(), maxBody - current.position() - ENTRY);
                reserve(ENTRY + n);
                current.putLong(at).putInt(n).putInt(0).put(rest.slice(rest.position(), n));
                rest.position(rest.position() + n);
                at += n;
                count++;
            }
        }

        /**
         * The bodies of every write added, in order, each with {@code flags}; at least one (with
         * no writes when none were added).
         */
        List<byte[]> finish(int flags) {
            seal();
            List<byte[]> out = new ArrayList<>(done);
            done.clear();
            start();
            for (byte[] body : out) {
                ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).putInt(12, flags);
            }
            return out;
        }

        private void start() {
            current = ByteBuffer.allocate(Math.min(maxBody, 64 * 1024)).order(ByteOrder.LITTLE_ENDIAN);
            current.putLong(diskSize).putInt(0).putInt(0);
            count = 0;
        }

        private void seal() {
            current.putInt(8, count);
            done.add(Arrays.copyOf(current.array(), current.position()));
        }

        private void reserve(int n) {
            if (current.remaining() < n) {
                int capacity = (int) Math.min(maxBody, Math.max((long) current.capacity() * 2, (long) current.position() + n));
                ByteBuffer bigger = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
                current = bigger.put(current.flip());
            }
        }
    }

    /**
     * The writes of one record body, checked whole: every field, every bound, against a disk of
     * {@code diskSize} bytes at {@code where}. Nothing is returned from a body with any fault.
     */
    static Body parse(byte[] body, long diskSize, String where) {
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        if (body.length < HEADER) {
            throw fault(body, "shorter than its " + HEADER + "-byte header");
        }
        long size = b.getLong();
        long count = Integer.toUnsignedLong(b.getInt());
        int flags = b.getInt();
        if ((flags & ~COPIED) != 0) {
            throw fault(body, "unknown flags 0x" + Integer.toHexString(flags));
        }
        if (size != diskSize) {
            throw new IllegalStateException("DISK_WRITES record for a disk of " + size + " bytes, but " + where + " holds "
                    + diskSize + " bytes: not the same disk");
        }
        List<Write> writes = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            if (b.remaining() < ENTRY) {
                throw fault(body, "write " + i + " of " + count + " is cut off");
            }
            long offset = b.getLong();
            long length = Integer.toUnsignedLong(b.getInt());
            if (b.getInt() != 0) {
                throw fault(body, "write " + i + ": reserved field is not zero");
            }
            if (length == 0 || length > b.remaining()) {
                throw fault(body, "write " + i + ": length " + length + " with " + b.remaining() + " bytes left");
            }
            if (offset < 0 || length > size - offset) {
                throw fault(body, "write " + i + ": " + length + " bytes at offset " + Long.toUnsignedString(offset)
                        + " reach beyond the disk's " + size + " bytes");
            }
            writes.add(new Write(offset, b.slice(b.position(), (int) length)));
            b.position(b.position() + (int) length);
        }
        if (b.hasRemaining()) {
            throw fault(body, b.remaining() + " bytes after its " + count + " writes");
        }
        return new Body((flags & COPIED) != 0, writes);
    }

    private static IllegalArgumentException fault(byte[] body, String what) {
        return new IllegalArgumentException("DISK_WRITES record of " + body.length + " bytes: " + what);
    }
}
