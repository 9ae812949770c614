package org.kemari.ft.wire;

/** Which end of the stream wrote a header. */
public enum Role {
    PRIMARY(1), SECONDARY(2);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
