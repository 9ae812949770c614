package org.kemari.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.kemari.xen.DirtyBitmap;

/**
 * Harvesting the dirty set of a 16 GiB guest (4 Mi pages) with 1 % of its pages dirty:
 * {@link DirtyBitmap#collect}, which skips clean 64-page words whole, against a scan of a
 * byte-per-page boolean array of the same pages, the representation DirtyBitmap avoids.
 * Both produce the same ascending pfn list, and the bench checks they agree. The judged row
 * scatters the dirty pages uniformly (the target's wording, and the worst case for word
 * skipping: half the words then hold a dirty page); a second row, for comparison, dirties
 * the same number of pages in runs of 64, as guests that write buffers do.
 */
final class HarvestBench {
    static final String NAME = "dirty-bitmap harvest, 16 GiB guest, 1 % dirty";
    private static final Metric.Bound TARGET = Metric.Bound.atLeast(100, "x");
    private static final int PAGES = 4 << 20;
    private static final int DIRTY = PAGES / 100;

    private HarvestBench() {
    }

    static List<Metric> run(Plan plan) {
        int reps = plan.quick() ? 10 : 40;
        return List.of(
                compare(NAME + ", uniform", 1, reps, true),
                compare(NAME + ", in runs of 64 pages (not judged: for comparison)", 64, reps, false));
    }

    /** Dirties {@link #DIRTY} pages in runs of {@code run} at random places and times both harvests. */
    private static Metric compare(String name, int run, int reps, boolean judged) {
        DirtyBitmap bitmap = new DirtyBitmap(PAGES);
        boolean[] perPage = new boolean[PAGES];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int set = 0; set < DIRTY; ) {
            int start = rnd.nextInt(PAGES / run) * run;
            for (int pfn = start; pfn < start + run && set < DIRTY; pfn++) {
                if (!perPage[pfn]) {
                    perPage[pfn] = true;
                    bitmap.set(pfn);
                    set++;
                }
            }
        }
        long[] fromWords = new long[DIRTY];
        long[] fromBytes = new long[DIRTY];
        Samples words = new Samples();
        Samples bytes = new Samples();
        for (int r = -5; r < reps; r++) {
            long t0 = System.nanoTime();
            int a = bitmap.collect(fromWords);
            long t1 = System.nanoTime();
            int b = scan(perPage, fromBytes);
            long t2 = System.nanoTime();
            if (a != b || !Arrays.equals(fromWords, fromBytes)) {
                throw new IllegalStateException("harvest bench: the word scan found " + a + " pages, the byte scan " + b
                        + "; the two harvests disagree");
            }
            if (r >= 0) {
                words.add(t1 - t0);
                bytes.add(t2 - t1);
            }
        }
        double speedup = bytes.median() / words.median();
        return new Metric(name, words.median() / 1e6, "ms", bytes.median() / 1e6, "ms byte-per-page scan", speedup,
                judged ? TARGET.text() : "", judged ? TARGET.holds(speedup) : null, String.format(Locale.ROOT,
                "%d dirty of %d pages, medians of %d; ratio = byte-scan time / word-scan time", DIRTY, PAGES, reps));
    }

    private static int scan(boolean[] perPage, long[] out) {
        int n = 0;
        for (int pfn = 0; pfn < perPage.length; pfn++) {
            if (perPage[pfn]) {
                out[n++] = pfn;
            }
        }
        return n;
    }
}
