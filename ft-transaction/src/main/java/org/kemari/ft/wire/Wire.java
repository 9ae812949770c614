package org.kemari.ft.wire;

/** Limits of the format that both ends must agree on. */
public final class Wire {
    public static final int PAGE_SIZE = 4096;
    /** Largest record body: a full PAGE_BATCH of raw pages plus its entries fits well inside. */
    public static final int MAX_RECORD = 8 * 1024 * 1024;
    public static final int MAX_BATCH_PAGES = 1024;
    public static final int MAX_ERROR_MESSAGE = 4096;
    /** x86-64 physical addresses are below 2^52, so pfns are below 2^40. */
    public static final long MAX_GPFN = 1L << 40;
    /** type, length */
    public static final int RECORD_HEAD = 8;
    /** crc, reserved */
    public static final int RECORD_TAIL = 8;

    private Wire() {
    }

    public static int align8(int n) {
        return (n + 7) & ~7;
    }
}
