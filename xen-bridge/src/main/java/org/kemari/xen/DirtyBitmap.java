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
        return collect(0, out);
    }

    /**
     * Writes the set pfns at or above {@code from} into {@code out} in ascending order, as many
     * as fit; returns how many were written. A caller with a small {@code out} continues from the
     * last pfn written + 1. This is the harvest's inner loop, so it is written against its real
     * limit (reading each word once, plus the cost of each set bit; docs/benchmarks.md): clean
     * words are skipped four at a time, and a word's first two set bits are written without a
     * branch, since how many bits a word holds is a coin toss the branch predictor loses at a few
     * % dirty.
     */
    public int collect(long from, long[] out) {
        int i = (int) (from >>> 6);
        if (from < 0 || i >= words.length) {
            return 0;
        }
        int n = 0;
        long w = words[i] & (-1L << (from & 63));
        long base = (long) i << 6;
        while (w != 0 && n < out.length) {
            out[n++] = base | Long.numberOfTrailingZeros(w);
            w &= w - 1;
        }
        if (w != 0) {
            return n;
        }
        i++;
        // while out has room for four whole words, no bound checks per bit
        for (; i + 4 <= words.length; i += 4) {
            if ((words[i] | words[i + 1] | words[i + 2] | words[i + 3]) == 0) {
                continue;
            }
            if (n + 4 * Long.SIZE > out.length) {
                break;
            }
            for (int k = i; k < i + 4; k++) {
                w = words[k];
                base = (long) k << 6;
                // a word's first two bits are written even when it has fewer (pfn garbage, not
                // counted, overwritten next): n grows by one for each that is there
                out[n] = base | Long.numberOfTrailingZeros(w);
                n += (int) ((w | -w) >>> 63);
                w &= w - 1;
                out[n] = base | Long.numberOfTrailingZeros(w);
                n += (int) ((w | -w) >>> 63);
                w &= w - 1;
                while (w != 0) {
                    out[n++] = base | Long.numberOfTrailingZeros(w);
                    w &= w - 1;
                }
            }
        }
        // near the end of out, bit by bit with bound checks, still skipping clean words four at a time
        for (; i < words.length && n < out.length; i++) {
            if (i + 4 <= words.length && (words[i] | words[i + 1] | words[i + 2] | words[i + 3]) == 0) {
                i += 3;
                continue;
            }
            w = words[i];
            base = (long) i << 6;
            while (w != 0 && n < out.length) {
                out[n++] = base | Long.numberOfTrailingZeros(w);
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
