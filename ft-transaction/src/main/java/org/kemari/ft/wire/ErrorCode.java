package org.kemari.ft.wire;

/** The codes of an ERROR record (docs/ft-transaction.md §6.2). */
public enum ErrorCode {
    PROTOCOL(1), INTEGRITY(2), TOO_LARGE(3), UNSUPPORTED(4), REPLICA(5), SHUTDOWN(6);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The code's enum, or PROTOCOL for a code this version does not know. */
    public static ErrorCode of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return PROTOCOL;
    }
}
