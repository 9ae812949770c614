package org.kemari.ft.wire;

import java.nio.ByteBuffer;

/**
 * One record as read and verified: its raw type code ({@link #type()} is null for an unknown
 * optional record), its body (valid until the next record is read), where it started, and its
 * CRC, which the epoch digest is built from.
 */
public record Record(int code, ByteBuffer body, long offset, int crc) {

    public RecordType type() {
        return RecordType.of(code);
    }

    public String typeName() {
        return RecordType.describe(code);
    }

    public int length() {
        return body.remaining();
    }
}
