package org.kemari.ft.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.CRC32C;

/**
 * Reads and verifies records from a channel: length limit before allocation, unknown mandatory
 * types, zero padding, CRC32C and the reserved word (docs/ft-transaction.md §4). Whether a
 * record is allowed where it stands is the caller's business. Bodies are read into a direct
 * buffer: a socket read into a heap buffer goes through a temporary direct one, a second copy
 * of every byte of every page the stream carries.
 */
public final class RecordReader {
    private final ReadableByteChannel in;
    private final int maxBody;
    private final ByteBuffer head = ByteBuffer.allocate(Wire.RECORD_HEAD).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private ByteBuffer body = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long offset;

    /**
     * @param offset  the stream offset of the next byte (the header's size, after the header)
     * @param maxBody the largest body accepted; at most {@link Wire#MAX_RECORD}
     */
    public RecordReader(ReadableByteChannel in, long offset, int maxBody) {
        this.in = in;
        this.offset = offset;
        this.maxBody = Math.min(maxBody, Wire.MAX_RECORD);
    }

    /** Reads a whole stream header in. */
    public static ByteBuffer readHeader(ReadableByteChannel in) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(StreamHeader.SIZE);
        fill(in, b, 0, "stream header", "stream header");
        return b.flip();
    }

    /** Stream offset of the next record. */
    public long offset() {
        return offset;
    }

    /**
     * The next record; its body buffer is reused by the next call.
     *
     * @throws EOFException    at a clean end of stream between records
     * @throws StreamException at a truncated or invalid record
     */
    public Record next() throws IOException {
        long start = offset;
        head.clear();
        int n = readSome(head);
        if (n < 0) {
            throw new EOFException("end of stream at offset " + start);
        }
        fill(in, head, start, null, "record head");
        head.flip();
        int code = head.getInt();
        long length = Integer.toUnsignedLong(head.getInt());
        String name = RecordType.describe(code);
        if (length > maxBody) {
            throw new StreamException(ErrorCode.TOO_LARGE, name, start,
                    "length " + length + " exceeds the " + maxBody + "-byte limit");
        }
        if (RecordType.of(code) == null && !RecordType.isOptional(code)) {
            throw new StreamException(ErrorCode.UNSUPPORTED, name, start, "unknown mandatory record type");
        }
        int padded = Wire.align8((int) length);
        int total = padded + Wire.RECORD_TAIL;
        if (body.capacity() < total) {
            body = ByteBuffer.allocateDirect(Math.max(total, body.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
        }
        body.clear().limit(total);
        fill(in, body, start, name, "body");
        crc.reset();
        crc.update(head.flip());
        crc.update(body.duplicate().position(0).limit(padded));
        for (int i = (int) length; i < padded; i++) {
            if (body.get(i) != 0) {
                throw new StreamException(ErrorCode.PROTOCOL, name, start, "padding is not zero");
            }
        }
        int stored = body.getInt(padded);
        if (stored != (int) crc.getValue()) {
            throw new StreamException(ErrorCode.INTEGRITY, name, start, "CRC32C mismatch");
        }
        if (body.getInt(padded + 4) != 0) {
            throw new StreamException(ErrorCode.PROTOCOL, name, start, "reserved trailer word is not zero");
        }
        offset = start + Wire.RECORD_HEAD + total;
        return new Record(code, body.position(0).limit((int) length).slice().order(ByteOrder.LITTLE_ENDIAN), start, stored);
    }

    private int readSome(ByteBuffer b) throws IOException {
        int n;
        do {
            n = in.read(b);
        } while (n == 0);
        return n;
    }

    private static void fill(ReadableByteChannel in, ByteBuffer b, long start, String type, String what) throws IOException {
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                throw new StreamException(ErrorCode.PROTOCOL, type, start,
                        "stream truncated in the " + what + " (" + b.position() + " of " + b.limit() + " bytes)");
            }
        }
    }
}
