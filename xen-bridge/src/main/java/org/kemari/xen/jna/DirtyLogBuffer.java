package org.kemari.xen.jna;

import com.sun.jna.Pointer;

import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.XcHypercallBuffer;
import org.kemari.xen.jna.bind.XcInterfaceHandle;
import org.kemari.xen.jna.bind.XenCtrl;

/**
 * The hypercall-safe memory Xen writes the log-dirty bitmap into. xc_logdirty_control takes
 * the bitmap as an xc_hypercall_buffer (it does not bounce-buffer it), so it must come from
 * xc__hypercall_buffer_alloc_pages. It is kept and only grown: on a guest whose highest gfn is
 * near 4 GiB the bitmap is 128 KiB, and allocating that per epoch would cost a mmap each time.
 */
final class DirtyLogBuffer implements AutoCloseable {
    private final XenCtrl ctrl;
    private final XcInterfaceHandle xch;
    private final LastError errors;
    private final XcHypercallBuffer buffer = new XcHypercallBuffer();
    private int pages;

    DirtyLogBuffer(XenCtrl ctrl, XcInterfaceHandle xch, LastError errors) {
        this.ctrl = ctrl;
        this.xch = xch;
        this.errors = errors;
    }

    /** CLEAN or PEEK into {@code into}; returns the number of dirty frames. */
    synchronized long harvest(int domid, int sop, DirtyBitmap into) {
        long[] words = into.words();
        long bytes = (long) words.length * XenCtrl.SIZEOF_BITMAP_WORD;
        Pointer bitmap = ensure(domid, bytes);
        // Xen writes only the bits it tracks; a stale bit from the previous epoch must not survive.
        bitmap.setMemory(0, bytes, (byte) 0);
        String op = sop == XenCtrl.XEN_DOMCTL_SHADOW_OP_CLEAN ? "CLEAN" : "PEEK";
        long rc = ctrl.xc_logdirty_control(xch, domid, sop, buffer, into.size(), 0, null);
        if (rc < 0) {
            throw errors.of("xc_logdirty_control(" + op + ")", domid);
        }
        return copyInto(bitmap, into);
    }

    /**
     * Copies Xen's bitmap (C unsigned longs, the same bit order as DirtyBitmap) into
     * {@code into}, dropping bits past its size, and returns the dirty count.
     */
    static long copyInto(Pointer bitmap, DirtyBitmap into) {
        long[] words = into.words();
        bitmap.read(0, words, 0, words.length);
        int tail = (int) (into.size() & 63);
        if (tail != 0) {
            words[words.length - 1] &= (1L << tail) - 1;
        }
        return into.cardinality();
    }

    private Pointer ensure(int domid, long bytes) {
        int need = (int) Math.max(1, (bytes + XenCtrl.XC_PAGE_SIZE - 1) / XenCtrl.XC_PAGE_SIZE);
        if (need > pages) {
            free();
            buffer.hbuf = null;
            Pointer p = ctrl.xc__hypercall_buffer_alloc_pages(xch, buffer, need);
            if (p == null) {
                throw errors.of("xc__hypercall_buffer_alloc_pages(" + need + " pages)", domid);
            }
            pages = need;
        }
        return buffer.hbuf;
    }

    private void free() {
        if (pages > 0) {
            ctrl.xc__hypercall_buffer_free_pages(xch, buffer, pages);
            pages = 0;
        }
    }

    @Override
    public synchronized void close() {
        free();
    }
}
