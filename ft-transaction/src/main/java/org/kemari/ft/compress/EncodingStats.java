package org.kemari.ft.compress;

import org.kemari.ft.wire.PageEncoding;

/** How many pages went out in each encoding and how many data bytes that took. */
public final class EncodingStats {
    private final long[] pages = new long[PageEncoding.values().length];
    private long bytes;

    void count(PageEncoding e, int dataBytes) {
        pages[e.ordinal()]++;
        bytes += dataBytes;
    }

    public long pages(PageEncoding e) {
        return pages[e.ordinal()];
    }

    public long totalPages() {
        long n = 0;
        for (long p : pages) {
            n += p;
        }
        return n;
    }

    /** Page data bytes, without entry tables and record framing. */
    public long dataBytes() {
        return bytes;
    }
}
