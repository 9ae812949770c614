package org.kemari.ft.compress;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.kemari.ft.wire.PageEncoding;

/**
 * How many pages went out in each encoding. Written by the
 * one encoding thread, read by anyone: the counters are atomic so readers see recent values.
 */
public final class EncodingStats {
    private final AtomicLongArray pages = new AtomicLongArray(PageEncoding.values().length);

    void count(PageEncoding e) {
        pages.incrementAndGet(e.ordinal());
    }

    public long pages(PageEncoding e) {
        return pages.get(e.ordinal());
    }

    /** Pages per encoding, as a snapshot. */
    public Map<PageEncoding, Long> snapshot() {
        Map<PageEncoding, Long> m = new EnumMap<>(PageEncoding.class);
        for (PageEncoding e : PageEncoding.values()) {
            m.put(e, pages(e));
        }
        return m;
    }

    public long totalPages() {
        long n = 0;
        for (int i = 0; i < pages.length(); i++) {
            n += pages.get(i);
        }
        return n;
    }
}
