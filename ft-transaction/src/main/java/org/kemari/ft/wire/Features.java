package org.kemari.ft.wire;

/** The page-encoding feature bits of the stream header (docs/ft-transaction.md §3.1). */
public final class Features {
    public static final int ZERO_PAGE = 1;
    public static final int LZ4 = 1 << 1;
    /** XOR against the previous copy, then LZ4; meaningless without {@link #LZ4}. */
    public static final int XOR_DELTA = 1 << 2;
    public static final int ALL = ZERO_PAGE | LZ4 | XOR_DELTA;
    public static final int NONE = 0;

    private Features() {
    }

    /** What a secondary supporting {@code supported} accepts of {@code offered}. */
    public static int accept(int offered, int supported) {
        int accepted = offered & supported & ALL;
        return (accepted & LZ4) == 0 ? accepted & ~XOR_DELTA : accepted;
    }

    public static String describe(int features) {
        if (features == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        append(sb, features, ZERO_PAGE, "zero-page");
        append(sb, features, LZ4, "lz4");
        append(sb, features, XOR_DELTA, "xor-delta");
        return sb.toString();
    }

    private static void append(StringBuilder sb, int features, int bit, String name) {
        if ((features & bit) != 0) {
            sb.append(sb.length() == 0 ? "" : "+").append(name);
        }
    }
}
