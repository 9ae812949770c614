package org.kemari.ft.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Frames record bodies for a gathering write: adds the head, padding and CRC trailer as small
 * buffers around the caller's body buffers, which are neither copied nor consumed (they may be
 * slices of send buffers holding guest pages).
 */
public final class RecordWriter {
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(8);
    private final CRC32C crc = new CRC32C();

    /**
     * Appends the buffers of one record to {@code out}; returns the record's CRC.
     *
     * @throws IllegalArgumentException if the body is larger than the format allows
     */
    public int append(List<ByteBuffer> out, RecordType type, ByteBuffer... body) {
        return append(out, type.code(), body);
    }

    public int append(List<ByteBuffer> out, int code, ByteBuffer... body) {
        long length = 0;
        for (ByteBuffer b : body) {
            length += b.remaining();
        }
        if (length > Wire.MAX_RECORD) {
            throw new IllegalArgumentException(RecordType.describe(code) + " body of " + length
                    + " bytes exceeds the " + Wire.MAX_RECORD + "-byte record limit");
        }
        ByteBuffer head = ByteBuffer.allocate(Wire.RECORD_HEAD).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(code).putInt((int) length).flip();
        int padding = Wire.align8((int) length) - (int) length;
        crc.reset();
        crc.update(head.duplicate());
        out.add(head);
        for (ByteBuffer b : body) {
            crc.update(b.duplicate());
            out.add(b.duplicate());
        }
        crc.update(ZEROS.duplicate().limit(padding));
        int value = (int) crc.getValue();
        ByteBuffer tail = ByteBuffer.allocate(padding + Wire.RECORD_TAIL).order(ByteOrder.LITTLE_ENDIAN);
        tail.position(padding);
        tail.putInt(value).putInt(0).flip();
        out.add(tail);
        return value;
    }
}
