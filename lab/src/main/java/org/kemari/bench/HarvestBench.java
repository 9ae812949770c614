package org.kemari.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.kemari.xen.DirtyBitmap;

/**
 * Harvesting the dirty set of a 16 GiB guest (4 Mi pages) with {@link DirtyBitmap#collect},
 * against the real limit of any harvest of a flat bitmap, measured in the same run: reading
 * every word of the bitmap once (a sum over a word array of the same size, at memory speed) plus
 * the cost of emitting each set bit (measured on a bitmap whose set bits are packed into whole
 * words, so no clean word is skipped and every word read yields 64 pfns). At 0.01 %, 1 % and
 * 10 % dirty, scattered uniformly (the worst case for skipping clean words: at 1 % about half
 * of the words hold a dirty page, at random) and in runs of 64 pages (as guests that write
 * buffers dirty memory). Every harvest is checked against the pages dirtied.
 */
final class HarvestBench {
    static final String NAME = "dirty-bitmap harvest, 16 GiB guest";
    static final String TARGET_TEXT = "<= 2x (bitmap read once + per-bit cost)";
    private static final Metric.Bound TARGET = Metric.Bound.atMost(2, "x");
    private static final int PAGES = 4 << 20;
    private static final double[] FRACTIONS = {0.0001, 0.01, 0.10};

    private HarvestBench() {
    }

    static List<Metric> run(Plan plan) {
        int reps = plan.quick() ? 10 : 40;
        // Discarded: compiled code for all three loops before the first row. With only its own
        // five warm-up passes the first row's word sum ran at a tenth of memory speed in some
        // runs, which made its baseline ten times too slow.
        measure(PAGES / 100, 1, reps * 5);
        List<Metric> rows = new ArrayList<>();
        for (double fraction : FRACTIONS) {
            int dirty = (int) Math.round(PAGES * fraction);
            rows.add(measure(dirty, 1, reps));
            rows.add(measure(dirty, 64, reps));
        }
        return rows;
    }

    /** Dirties {@code dirty} pages in runs of {@code run} at random places and times the harvest and its limit. */
    private static Metric measure(int dirty, int run, int reps) {
        DirtyBitmap bitmap = new DirtyBitmap(PAGES);
        long[] expected = dirtyAtRandom(bitmap, dirty, run);
        DirtyBitmap packed = new DirtyBitmap(PAGES);
        for (int pfn = 0; pfn < dirty; pfn++) {
            packed.set(pfn);
        }
        long[] stream = new long[PAGES / Long.SIZE];
        long[] out = new long[dirty];
        Samples harvest = new Samples();
        Samples read = new Samples();
        Samples emit = new Samples();
        long sink = 0;
        for (int r = -5; r < reps; r++) {
            long t0 = System.nanoTime();
            int n = bitmap.collect(out);
            long t1 = System.nanoTime();
            sink += sum(stream);
            long t2 = System.nanoTime();
            int m = packed.collect(out);
            long t3 = System.nanoTime();
            if (r >= 0) {
                harvest.add(t1 - t0);
                read.add(t2 - t1);
                emit.add(t3 - t2);
            }
            if (n != dirty || m != dirty) {
                throw new IllegalStateException("harvest bench: collected " + n + " and " + m + " pages of " + dirty + " dirty");
            }
        }
        bitmap.collect(out);
        if (!Arrays.equals(out, expected) || sink != 0) {
            throw new IllegalStateException("harvest bench: the harvest is not the set of pages dirtied");
        }
        double limit = read.median() + emit.median();
        double ratio = harvest.median() / limit;
        String layout = run == 1 ? "uniform" : "in runs of " + run + " pages";
        return new Metric(String.format(Locale.ROOT, "%s, %s %% dirty, %s", NAME, Format.number(100.0 * dirty / PAGES), layout),
                harvest.median() / 1e6, "ms", limit / 1e6, "ms read once + per-bit", ratio, TARGET.text(), TARGET.holds(ratio),
                String.format(Locale.ROOT, "%d dirty of %d pages; medians of %d: read %.4f ms, %d bits %.4f ms"
                        + " (%.2f ns/bit); ratio = harvest / (read + bits)", dirty, PAGES, reps, read.median() / 1e6, dirty,
                        emit.median() / 1e6, emit.median() / dirty));
    }

    /** Sets {@code dirty} distinct pages of {@code bitmap} in runs of {@code run}; returns them ascending. */
    private static long[] dirtyAtRandom(DirtyBitmap bitmap, int dirty, int run) {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int set = 0; set < dirty; ) {
            int start = rnd.nextInt(PAGES / run) * run;
            for (int pfn = start; pfn < start + run && set < dirty; pfn++) {
                if (!bitmap.get(pfn)) {
                    bitmap.set(pfn);
                    set++;
                }
            }
        }
        long[] pfns = new long[dirty];
        int[] n = {0};
        bitmap.forEachSet(pfn -> pfns[n[0]++] = pfn);
        return pfns;
    }

    /** Reads every word once; the caller keeps the result so the JIT cannot drop the read. */
    private static long sum(long[] words) {
        long s = 0;
        for (long w : words) {
            s += w;
        }
        return s;
    }
}
