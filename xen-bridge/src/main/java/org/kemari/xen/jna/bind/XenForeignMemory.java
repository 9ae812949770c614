package org.kemari.xen.jna.bind;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/** libxenforeignmemory.so.1 (xenforeignmemory.h): guest frames and resources mapped into dom0. */
public interface XenForeignMemory extends Library {
    String SONAME = "libxenforeignmemory.so.1";

    /** Resource types and ids (public/memory.h, XENMEM_acquire_resource). */
    int XENMEM_resource_grant_table = 1;
    int XENMEM_resource_grant_table_id_shared = 0;
    int XENMEM_resource_ioreq_server = 0;
    int XENMEM_resource_ioreq_server_frame_ioreq_0 = 1;

    /**
     * The content of an ioreq server's synchronous page (public/hvm/ioreq.h): one ioreq_t per
     * vcpu, whose 4-bit state is STATE_IOREQ_NONE unless the vcpu waits on the device model.
     */
    int IOREQ_SIZE = 32;
    int IOREQ_STATE_BYTE = 30;
    int IOREQ_STATE_MASK = 0xf;
    int STATE_IOREQ_NONE = 0;

    XenforeignmemoryHandle xenforeignmemory_open(XtlLogger logger, int openFlags);

    int xenforeignmemory_close(XenforeignmemoryHandle fmem);

    /** {@code arr} holds xen_pfn_t (64-bit) frame numbers; {@code err} receives one errno per frame. */
    Pointer xenforeignmemory_map(XenforeignmemoryHandle fmem, int dom, int prot, long pages,
                                 long[] arr, int[] err);

    int xenforeignmemory_unmap(XenforeignmemoryHandle fmem, Pointer addr, long pages);

    /** domid_t is uint16_t: pass {@code (short) domid}. */
    XenforeignmemoryResourceHandle xenforeignmemory_map_resource(XenforeignmemoryHandle fmem, short domid,
            int type, int id, long frame, long nrFrames, PointerByReference paddr, int prot, int flags);

    int xenforeignmemory_unmap_resource(XenforeignmemoryHandle fmem, XenforeignmemoryResourceHandle fres);

    /** Size in bytes ({@code size_t *}). */
    int xenforeignmemory_resource_size(XenforeignmemoryHandle fmem, short domid, int type, int id,
                                       LongByReference size);
}
