package org.kemari.xen;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * A log-dirty bitmap in Xen's layout: bit {@code pfn % 64} of 64-bit word {@code pfn / 64}.
 * Harvesting scans words and skips clean ones whole, which is what makes a 1 %-dirty 16 GiB
 * guest cheap; there is deliberately no per-page boolean view.
 *
 * <p>Instances are reused across epochs ({@link #clear()}), so the epoch loop allocates nothing.
 */
public final class DirtyBitmap {
    private final long bits;
    private final long[] words;

    public DirtyBitmap(long bits) {
        if (bits < 0 || (bits + 63) / 64 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bitmap size out of range: " + bits);
        }
        this.bits = bits;
        this.words = new long[(int) ((bits + 63) / 64)];
    }

    /** Number of frames covered (maxGpfn + 1). */
    public long size() {
        return bits;
    }

    /** The backing words; backends fill them directly (the xen backend copies the hypercall buffer here). */
    public long[] words() {
        return words;
    }

    public void set(long pfn) {
        check(pfn);
        words[(int) (pfn >>> 6)] |= 1L << pfn;
    }

    public boolean get(long pfn) {
        check(pfn);
        return (words[(int) (pfn >>> 6)] & (1L << pfn)) != 0;
    }

    public void clear() {
        Arrays.fill(words, 0L);
    }

    /** ORs another bitmap of the same size into this one (pages dirtied over several rounds). */
    public void or(DirtyBitmap other) {
        if (other.bits != bits) {
            throw new IllegalArgumentException("bitmap sizes differ: " + bits + " vs " + other.bits);
        }
        for (int i = 0; i < words.length; i++) {
            words[i] |= other.words[i];
        }
    }

    /** Keeps only the pages also set in {@code other}, of the same size (dirty pages that are RAM). */
    public void and(DirtyBitmap other) {
        if (other.bits != bits) {
            throw new IllegalArgumentException("bitmap sizes differ: " + bits + " vs " + other.bits);
        }
        for (int i = 0; i < words.length; i++) {
            words[i] &= other.words[i];
        }
    }

    public long cardinality() {
        long n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** Calls {@code action} with every set pfn in ascending order, skipping zero words whole. */
    public void forEachSet(LongConsumer action) {
        for (int i = 0; i < words.length; i++) {
            long w = words[i];
            while (w != 0) {
                int bit = Long.numberOfTrailingZeros(w);
                action.accept(((long) i << 6) | bit);
                w &= w - 1;
            }
        }
    }

    /** Writes the set pfns into {@code out} in ascending order; returns how many were written. */
    public int collect(long[] out) {
        int n = 0;
        for (int i = 0; i < words.length && n < out.length; i++) {
            long w = words[i];
            while (w != 0 && n < out.length) {
                out[n++] = ((long) i << 6) | Long.numberOfTrailingZeros(w);
                w &= w - 1;
            }
        }
        return n;
    }

    private void check(long pfn) {
        if (pfn < 0 || pfn >= bits) {
            throw new IndexOutOfBoundsException("pfn " + pfn + " outside bitmap of " + bits + " frames");
        }
    }
}
