package org.kemari.ft.wire;

import java.io.IOException;

/**
 * A stream that breaks the format or the protocol. The message is one line that says what and
 * where: "epoch 42, record 7 (PAGE_BATCH) at offset 81920: CRC32C mismatch". The reader knows
 * the offset and the type; the receiver adds the epoch and the record's index in it with
 * {@link #inEpoch}.
 */
public final class StreamException extends IOException {
    public static final long UNKNOWN = -1;

    private final ErrorCode code;
    private final String type;
    private final long offset;
    private final String detail;

    public StreamException(ErrorCode code, String type, long offset, String detail) {
        this(code, UNKNOWN, UNKNOWN, type, offset, detail);
    }

    private StreamException(ErrorCode code, long epoch, long record, String type, long offset, String detail) {
        super(format(epoch, record, type, offset, detail));
        this.code = code;
        this.type = type;
        this.offset = offset;
        this.detail = detail;
    }

    /** The same error, placed in {@code epoch} as its record number {@code record} (BEGIN is 0). */
    public StreamException inEpoch(long epoch, long record) {
        return new StreamException(code, epoch, record, type, offset, detail);
    }

    private static String format(long epoch, long record, String type, long offset, String detail) {
        StringBuilder sb = new StringBuilder();
        if (epoch != UNKNOWN) {
            sb.append("epoch ").append(epoch).append(", ");
        }
        if (record != UNKNOWN) {
            sb.append("record ").append(record).append(' ');
        }
        if (type != null) {
            // record type names are one word; phrases ("stream header") stand alone
            sb.append(record != UNKNOWN ? "(" + type + ") " : type.contains(" ") ? type + " " : type + " record ");
        }
        if (offset != UNKNOWN) {
            sb.append("at offset ").append(offset);
        }
        return sb.toString().strip() + ": " + detail;
    }

    public ErrorCode code() {
        return code;
    }
}
