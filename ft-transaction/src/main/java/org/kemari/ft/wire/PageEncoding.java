package org.kemari.ft.wire;

/** How one page travels in a PAGE_BATCH (docs/ft-transaction.md §5.1). */
public enum PageEncoding {
    RAW(0, Features.NONE),
    ZERO(1, Features.ZERO_PAGE),
    LZ4(2, Features.LZ4),
    XOR_LZ4(3, Features.XOR_DELTA);

    private final int code;
    private final int feature;

    PageEncoding(int code, int feature) {
        this.code = code;
        this.feature = feature;
    }

    public int code() {
        return code;
    }

    /** The header feature bit that must have been accepted for this encoding; 0 for RAW. */
    public int feature() {
        return feature;
    }

    /** Null if the code is unknown. */
    public static PageEncoding of(int code) {
        return code >= 0 && code < values().length ? values()[code] : null;
    }
}
