package org.kemari.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.kemari.xen.DirtyBitmap;

/**
 * Harvesting the dirty set of a 16 GiB guest (4 Mi pages) with 1 % of its pages dirty:
 * {@link DirtyBitmap#collect}, which skips clean 64-page words whole, against a scan of a
 * byte-per-page boolean array of the same pages, the representation DirtyBitmap avoids.
 * Both produce the same ascending pfn list, and the bench checks they agree.
 */
final class HarvestBench {
    static final String NAME = "dirty-bitmap harvest, 16 GiB guest, 1 % dirty";
    private static final Metric.Bound TARGET = Metric.Bound.atLeast(100, "x");
    private static final int PAGES = 4 << 20;

    private HarvestBench() {
    }

    static Metric run(Plan plan) {
        DirtyBitmap bitmap = new DirtyBitmap(PAGES);
        boolean[] perPage = new boolean[PAGES];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int set = 0; set < PAGES / 100; ) {
            int pfn = rnd.nextInt(PAGES);
            if (!perPage[pfn]) {
                perPage[pfn] = true;
                bitmap.set(pfn);
                set++;
            }
        }
        long[] fromWords = new long[PAGES / 100];
        long[] fromBytes = new long[PAGES / 100];
        Samples words = new Samples();
        Samples bytes = new Samples();
        int reps = plan.quick() ? 10 : 40;
        for (int r = -5; r < reps; r++) {
            long t0 = System.nanoTime();
            int a = bitmap.collect(fromWords);
            long t1 = System.nanoTime();
            int b = scan(perPage, fromBytes);
            long t2 = System.nanoTime();
            if (a != b || !java.util.Arrays.equals(fromWords, fromBytes)) {
                throw new IllegalStateException("harvest bench: the word scan found " + a + " pages, the byte scan " + b
                        + "; the two harvests disagree");
            }
            if (r >= 0) {
                words.add(t1 - t0);
                bytes.add(t2 - t1);
            }
        }
        double speedup = bytes.median() / words.median();
        return new Metric(NAME, words.median() / 1e6, "ms", bytes.median() / 1e6, "ms byte-per-page scan", speedup,
                TARGET.text(), TARGET.holds(speedup), String.format(Locale.ROOT,
                "%d dirty of %d pages, medians of %d; ratio = byte-scan time / word-scan time", PAGES / 100, PAGES, reps));
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
