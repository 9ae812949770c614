package org.kemari.xen.sim;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.kemari.xen.DirtyBitmap;

/**
 * A domain's log-dirty bitmap, in Xen's word layout. Marking and harvesting are per-word atomic,
 * so a guest write racing a clean lands either in this harvest or in the next one, never in
 * neither.
 */
final class DirtyLog {
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;
    private volatile boolean enabled;

    DirtyLog(long frames) {
        this.words = new long[(int) ((frames + 63) >>> 6)];
    }

    boolean enabled() {
        return enabled;
    }

    /** Starts logging from an empty log, as Xen does when log-dirty mode is switched on. */
    void enable() {
        clearAll();
        enabled = true;
    }

    void disable() {
        enabled = false;
        clearAll();
    }

    /** Called after the page's new contents are in memory, so a harvest that sees the bit sees the data. */
    void mark(long pfn) {
        if (!enabled) {
            return;
        }
        int i = (int) (pfn >>> 6);
        long bit = 1L << pfn;
        if (((long) WORD.getVolatile(words, i) & bit) == 0) {
            WORD.getAndBitwiseOr(words, i, bit);
        }
    }

    /**
     * Copies the log into {@code into} and, if {@code reset}, clears what it copied. As in Xen,
     * only the frames the caller's bitmap covers are read and cleared.
     */
    long harvest(DirtyBitmap into, boolean reset) {
        long[] out = into.words();
        int n = Math.min(out.length, words.length);
        long count = 0;
        for (int i = 0; i < n; i++) {
            long w = (long) WORD.getVolatile(words, i);
            if (w != 0 && reset) {
                w = (long) WORD.getAndSet(words, i, 0L);
            }
            out[i] = w;
            count += Long.bitCount(w);
        }
        for (int i = n; i < out.length; i++) {
            out[i] = 0;
        }
        return count;
    }

    private void clearAll() {
        for (int i = 0; i < words.length; i++) {
            WORD.setVolatile(words, i, 0L);
        }
    }
}
