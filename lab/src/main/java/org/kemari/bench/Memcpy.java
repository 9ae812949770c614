package org.kemari.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import org.kemari.xen.ForeignMapping;

/**
 * The physical baseline for the guest pause: copying the same number of 4 KiB pages from one
 * direct buffer to another, page by page, in this JVM and this run: the copy an epoch cannot
 * avoid, without pausing, harvesting, mapping or contexts.
 */
final class Memcpy {
    private static final int PAGE = ForeignMapping.PAGE_SIZE;

    private Memcpy() {
    }

    /** Median nanoseconds to copy {@code pages} pages, after a warm-up. */
    static double nanos(int pages, int reps) {
        ByteBuffer src = ByteBuffer.allocateDirect(pages * PAGE);
        ByteBuffer dst = ByteBuffer.allocateDirect(pages * PAGE);
        byte[] noise = new byte[PAGE];
        ThreadLocalRandom.current().nextBytes(noise);
        for (int i = 0; i < pages; i++) {
            src.put(i * PAGE, noise);
        }
        Samples s = new Samples();
        int warmup = Math.max(20, 2_000_000 / Math.max(1, pages) / 64);
        for (int r = -warmup; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < pages; i++) {
                dst.put(i * PAGE, src, i * PAGE, PAGE);
            }
            long t = System.nanoTime() - t0;
            if (r >= 0) {
                s.add(t);
            }
        }
        return s.median();
    }
}
