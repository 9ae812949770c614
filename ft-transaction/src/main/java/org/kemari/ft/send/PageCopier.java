package org.kemari.ft.send;

import java.nio.ByteBuffer;
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
 */
final class PageCopier {
    private final long[] batch = new long[Wire.MAX_BATCH_PAGES];
    private final Hypervisor hv;
    private final int domid;

    PageCopier(Hypervisor hv, int domid) {
        this.hv = hv;
        this.domid = domid;
    }

    /** Copies every page set in {@code dirty}, mapping them a batch at a time; unpopulated frames are skipped. */
    void copy(DirtyBitmap dirty, PageStore to) {
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
        try (ForeignMapping m = hv.map(domid, pfns, n, false)) {
            for (int i = 0; i < n; i++) {
                if (m.error(i) == 0) {
                    ByteBuffer src = m.page(i);
                    ByteBuffer page = to.reserve();
                    page.put(page.position(), src, src.position(), Wire.PAGE_SIZE);
                    to.add(pfns[i], page);
                }
            }
        }
    }
}
