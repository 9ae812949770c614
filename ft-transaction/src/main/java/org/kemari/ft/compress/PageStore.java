package org.kemari.ft.compress;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.kemari.ft.wire.Wire;

/**
 * Whole pages kept in direct memory with their pfns, in the order added: an epoch's copied pages
 * on the primary, its decoded pages on the secondary. Reused from epoch to epoch.
 */
public final class PageStore {
    private final Arena arena = new Arena(256 * Wire.PAGE_SIZE);
    private long[] pfns = new long[1024];
    private ByteBuffer[] pages = new ByteBuffer[1024];
    private int count;

    /** Room for the next page, at the returned buffer's position; then {@link #add}. */
    public ByteBuffer reserve() {
        return arena.reserve(Wire.PAGE_SIZE);
    }

    /** Keeps the 4096 bytes just written at {@code reserved}'s position as page {@code pfn}. */
    public void add(long pfn, ByteBuffer reserved) {
        if (count == pfns.length) {
            pfns = Arrays.copyOf(pfns, count * 2);
            pages = Arrays.copyOf(pages, count * 2);
        }
        pfns[count] = pfn;
        pages[count++] = arena.commit(reserved, Wire.PAGE_SIZE);
    }

    public int count() {
        return count;
    }

    public long pfn(int i) {
        return pfns[i];
    }

    /** Page {@code i}'s 4096 bytes, as a fresh view. */
    public ByteBuffer page(int i) {
        return pages[i].duplicate();
    }

    public void clear() {
        arena.reset();
        Arrays.fill(pages, 0, count, null);
        count = 0;
    }
}
