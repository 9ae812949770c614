package org.kemari.ft.send;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.kemari.ft.compress.Arena;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;

/**
 * Guest pages copied out of the domain into send buffers: the one copy a page makes on the
 * primary (compression reads from here; raw pages are written from here). The copy also makes
 * the bytes stable, which matters while the guest runs during pre-copy: a page must not change
 * between its CRC and its transmission.
 */
final class PageSet {
    private final Arena arena = new Arena(256 * Wire.PAGE_SIZE);
    private final long[] batch = new long[Wire.MAX_BATCH_PAGES];
    private long[] pfns = new long[Wire.MAX_BATCH_PAGES];
    private ByteBuffer[] pages = new ByteBuffer[Wire.MAX_BATCH_PAGES];
    private int count;
    private int batched;
    private final Hypervisor hv;
    private final int domid;

    PageSet(Hypervisor hv, int domid) {
        this.hv = hv;
        this.domid = domid;
    }

    void clear() {
        arena.reset();
        Arrays.fill(pages, 0, count, null);
        count = 0;
    }

    /** Copies every page set in {@code dirty}, mapping them a batch at a time; unpopulated frames are skipped. */
    void copy(DirtyBitmap dirty) {
        batched = 0;
        dirty.forEachSet(this::queue);
        copy(batch, batched);
    }

    private void queue(long pfn) {
        batch[batched++] = pfn;
        if (batched == batch.length) {
            copy(batch, batched);
            batched = 0;
        }
    }

    /** Copies the first {@code n} frames of {@code pfns}; unpopulated frames (holes) are skipped. */
    void copy(long[] pfns, int n) {
        if (n == 0) {
            return;
        }
        try (ForeignMapping m = hv.map(domid, pfns, n, false)) {
            for (int i = 0; i < n; i++) {
                if (m.error(i) == 0) {
                    ByteBuffer src = m.page(i);
                    ByteBuffer into = arena.reserve(Wire.PAGE_SIZE);
                    into.put(into.position(), src, src.position(), Wire.PAGE_SIZE);
                    add(pfns[i], arena.commit(into, Wire.PAGE_SIZE));
                }
            }
        }
    }

    private void add(long pfn, ByteBuffer page) {
        if (count == pfns.length) {
            pfns = Arrays.copyOf(pfns, count * 2);
            pages = Arrays.copyOf(pages, count * 2);
        }
        pfns[count] = pfn;
        pages[count++] = page;
    }

    int count() {
        return count;
    }

    long pfn(int i) {
        return pfns[i];
    }

    ByteBuffer page(int i) {
        return pages[i].duplicate();
    }

    /** Bytes of send buffer held. */
    long capacity() {
        return arena.capacity();
    }
}
