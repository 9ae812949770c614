package org.kemari.xen.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.kemari.xen.ForeignMapping;

/**
 * A simulated domain's RAM: page-granular, off-heap, populated lazily in 64 KiB chunks so a
 * guest of hundreds of MiB costs only what it touches. Guest accesses are little-endian (x86).
 * Every write made through this class is a guest write and feeds the domain's dirty log;
 * dom0's foreign mappings write through {@link #frame} views, which Xen does not log.
 */
public final class GuestMemory {
    static final int CHUNK_PAGES = 16;
    private static final int CHUNK_SHIFT = 4;
    private static final int CHUNK_BYTES = CHUNK_PAGES * ForeignMapping.PAGE_SIZE;

    private final long pages;
    private final AtomicReferenceArray<ByteBuffer> chunks;
    private final DirtyLog dirty;

    GuestMemory(long pages, DirtyLog dirty) {
        long nChunks = (pages + CHUNK_PAGES - 1) >>> CHUNK_SHIFT;
        if (nChunks > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("guest memory too large: " + pages + " pages");
        }
        this.pages = pages;
        this.chunks = new AtomicReferenceArray<>((int) nChunks);
        this.dirty = dirty;
    }

    /** Number of guest frames; valid pfns are 0 .. pages()-1. */
    public long pages() {
        return pages;
    }

    public long getLong(long pfn, int offset) {
        checkWord(pfn, offset);
        ByteBuffer c = chunks.get(chunkIndex(pfn));
        return c == null ? 0 : c.getLong(byteIndex(pfn, offset));
    }

    public void putLong(long pfn, int offset, long value) {
        checkWord(pfn, offset);
        chunk(pfn).putLong(byteIndex(pfn, offset), value);
        dirty.mark(pfn);
    }

    /** Copies bytes of one page out; untouched memory reads as zeros. */
    public void read(long pfn, int offset, byte[] dst, int dstOffset, int length) {
        checkRange(pfn, offset, length);
        ByteBuffer c = chunks.get(chunkIndex(pfn));
        if (c == null) {
            java.util.Arrays.fill(dst, dstOffset, dstOffset + length, (byte) 0);
        } else {
            c.get(byteIndex(pfn, offset), dst, dstOffset, length);
        }
    }

    public void write(long pfn, int offset, byte[] src, int srcOffset, int length) {
        checkRange(pfn, offset, length);
        chunk(pfn).put(byteIndex(pfn, offset), src, srcOffset, length);
        dirty.mark(pfn);
    }

    /**
     * Lets a guest program write frame {@code pfn} through a buffer, e.g. to lay a shared ring
     * over its own frame: {@code writes} gets a live little-endian view, valid only during the
     * call, and the frame is logged dirty after it, as the CPU's writes would be (after, so a
     * log clean racing the writes still leaves the frame dirty for the next round).
     */
    public <T> T update(long pfn, Function<ByteBuffer, T> writes) {
        try {
            return writes.apply(frame(pfn).order(ByteOrder.LITTLE_ENDIAN));
        } finally {
            dirty.mark(pfn);
        }
    }

    /** A live read-only little-endian view of frame {@code pfn}; reading logs nothing. */
    public ByteBuffer readOnlyFrame(long pfn) {
        return frame(pfn).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A live 4 KiB view of frame {@code pfn} (big-endian like any new buffer), populating it if needed. */
    ByteBuffer frame(long pfn) {
        checkPfn(pfn);
        return chunk(pfn).slice(byteIndex(pfn, 0), ForeignMapping.PAGE_SIZE);
    }

    void markDirty(long pfn) {
        dirty.mark(pfn);
    }

    private ByteBuffer chunk(long pfn) {
        int i = chunkIndex(pfn);
        ByteBuffer c = chunks.get(i);
        if (c == null) {
            ByteBuffer fresh = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            c = chunks.compareAndExchange(i, null, fresh);
            if (c == null) {
                c = fresh;
            }
        }
        return c;
    }

    private static int chunkIndex(long pfn) {
        return (int) (pfn >>> CHUNK_SHIFT);
    }

    private static int byteIndex(long pfn, int offset) {
        return (int) (pfn & (CHUNK_PAGES - 1)) * ForeignMapping.PAGE_SIZE + offset;
    }

    private void checkPfn(long pfn) {
        if (pfn < 0 || pfn >= pages) {
            throw new IndexOutOfBoundsException("pfn " + pfn + " outside guest memory of " + pages + " pages");
        }
    }

    private void checkWord(long pfn, int offset) {
        checkRange(pfn, offset, 8);
    }

    private void checkRange(long pfn, int offset, int length) {
        checkPfn(pfn);
        if (offset < 0 || length < 0 || offset + length > ForeignMapping.PAGE_SIZE) {
            throw new IndexOutOfBoundsException("bytes " + offset + "+" + length + " outside a 4096-byte page");
        }
    }
}
