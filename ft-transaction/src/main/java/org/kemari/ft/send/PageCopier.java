package org.kemari.ft.send;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;
import org.kemari.ft.compress.PageStore;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;

/**
 * Copies guest pages out of the domain into send buffers: the one copy a page makes on the
 * primary (compression reads from here; raw pages are written from here). The copy also makes
 * the bytes stable, which matters while the guest runs during pre-copy: a page must not change
 * between its CRC and its transmission.
 *
 * <p>It times itself, apart: mapping (and unmapping) and copying, each summed since the last
 * {@link #copy(DirtyBitmap, PageStore)}, for the epoch's MAP and COPY stages.
 */
final class PageCopier {
    private final long[] batch = new long[Wire.MAX_BATCH_PAGES];
    private final Hypervisor hv;
    private final int domid;
    private final LongSupplier clock;
    private long mapNanos;
    private long copyNanos;

    PageCopier(Hypervisor hv, int domid, LongSupplier clock) {
        this.hv = hv;
        this.domid = domid;
        this.clock = clock;
    }

    long mapNanos() {
        return mapNanos;
    }

    long copyNanos() {
        return copyNanos;
    }

    /** Copies every page set in {@code dirty}, mapping them a batch at a time; unpopulated frames are skipped. */
    void copy(DirtyBitmap dirty, PageStore to) {
        mapNanos = 0;
        copyNanos = 0;
        int n;
        for (long from = 0; (n = dirty.collect(from, batch)) > 0; from = batch[n - 1] + 1) {
            copy(batch, n, to);
        }
    }

    /** Copies the first {@code n} frames of {@code pfns}; unpopulated frames (holes) are skipped. */
    void copy(long[] pfns, int n, PageStore to) {
        if (n == 0) {
            return;
        }
        long start = clock.getAsLong();
        ForeignMapping m = hv.map(domid, pfns, n, false);
        long mapped = clock.getAsLong();
        long copied = mapped;
        try {
            for (int i = 0; i < n; i++) {
                if (m.error(i) == 0) {
                    ByteBuffer src = m.page(i);
                    ByteBuffer page = to.reserve();
                    page.put(page.position(), src, src.position(), Wire.PAGE_SIZE);
                    to.add(pfns[i], page);
                }
            }
            copied = clock.getAsLong();
        } finally {
            m.close();
            long unmapped = clock.getAsLong();
            mapNanos += (mapped - start) + (unmapped - copied);
            copyNanos += copied - mapped;
        }
    }
}
