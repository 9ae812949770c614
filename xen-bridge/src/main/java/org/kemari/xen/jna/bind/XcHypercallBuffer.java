package org.kemari.xen.jna.bind;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * struct xc_hypercall_buffer (xenctrl.h): the shadow record libxc keeps beside hypercall-safe
 * memory. C code declares it with DECLARE_HYPERCALL_BUFFER, a macro; this is that
 * declaration's initial value, spelled out: no data yet, no parent shadow, and
 * HYPERCALL_BUFFER_INIT_NO_BOUNCE (dir 0, sz 0, ubuf (void *)-1). xc__hypercall_buffer_alloc_pages
 * then stores the allocation in {@link #hbuf}.
 */
@Structure.FieldOrder({"hbuf", "param_shadow", "dir", "ubuf", "sz"})
public class XcHypercallBuffer extends AbiStructure {
    public Pointer hbuf;
    public Pointer param_shadow;
    public int dir;
    public Pointer ubuf = Pointer.createConstant(-1L);
    public long sz;

    @Override
    public String cName() {
        return "xc_hypercall_buffer_t";
    }
}
