package org.kemari.xen.jna.bind;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

/** libxenctrl.so.4.17 (xenctrl.h): domain control, log-dirty, contexts, HVM params. */
public interface XenCtrl extends Library {
    String SONAME = "libxenctrl.so.4.17";

    /** Log-dirty operations (public/domctl.h); Xen 4.16+ routes them through xc_logdirty_control. */
    int XEN_DOMCTL_SHADOW_OP_OFF = 0;
    int XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY = 2;
    int XEN_DOMCTL_SHADOW_OP_CLEAN = 11;
    int XEN_DOMCTL_SHADOW_OP_PEEK = 12;

    /** xc_domaininfo_t.flags (public/domctl.h). */
    int XEN_DOMINF_dying = 1;
    int XEN_DOMINF_hvm_guest = 1 << 1;
    int XEN_DOMINF_shutdown = 1 << 2;
    int XEN_DOMINF_paused = 1 << 3;
    int XEN_DOMINF_blocked = 1 << 4;
    int XEN_DOMINF_running = 1 << 5;
    int XEN_DOMINF_shutdownmask = 255;
    int XEN_DOMINF_shutdownshift = 16;
    /** The shutdown code a crashed guest reports (public/sched.h). */
    int SHUTDOWN_crash = 3;

    /** Emulated legacy PIC (public/arch-x86/xen.h): libxl gives it to HVM guests, never to PVH. */
    int XEN_X86_EMU_PIC = 1 << 5;

    int SIZEOF_VCPU_GUEST_CONTEXT_ANY = 5168;
    /** Must equal VcpuContext.VM_ASSIST_OFFSET, which holds it outside the bindings. */
    int OFFSETOF_VCPU_GUEST_CONTEXT_VM_ASSIST = 5136;
    int SIZEOF_XEN_PFN = 8;
    /** HVM save record layout (public/arch-x86/hvm/save.h); HvmContext holds copies outside the bindings. */
    int HVM_SAVE_CODE_CPU = 2;
    int HVM_SAVE_CODE_PMTIMER = 13;
    int HVM_SAVE_CODE_MTRR = 14;
    int HVM_SAVE_CODE_CPU_XSAVE = 16;
    int OFFSETOF_HVM_HW_CPU_TSC = 1008;
    int OFFSETOF_HVM_SAVE_HEADER_GTSC_KHZ = 20;
    /** The log-dirty bitmap is an array of C unsigned long. */
    int SIZEOF_BITMAP_WORD = 8;
    int XC_PAGE_SIZE = 4096;

    XcInterfaceHandle xc_interface_open(XtlLogger logger, XtlLogger dombuildLogger, int openFlags);

    int xc_interface_close(XcInterfaceHandle xch);

    int xc_domain_getinfolist(XcInterfaceHandle xch, int firstDomain, int maxDomains, XcDomainInfo info);

    int xc_domain_pause(XcInterfaceHandle xch, int domid);

    int xc_domain_unpause(XcInterfaceHandle xch, int domid);

    int xc_domain_destroy(XcInterfaceHandle xch, int domid);

    int xc_domain_maximum_gpfn(XcInterfaceHandle xch, int domid, LongByReference gpfns);

    /**
     * Exported by libxenctrl 4.17 though declared only in its private header: in, pfns; out, each
     * replaced by its XEN_DOMCTL_PFINFO_* type (public/domctl.h). Xen takes at most 1024 per call.
     */
    int xc_get_pfn_type_batch(XcInterfaceHandle xch, int dom, int num, long[] arr);

    long XEN_DOMCTL_PFINFO_LTAB_MASK = 0xfL << 28;
    long XEN_DOMCTL_PFINFO_XTAB = 0xfL << 28;
    long XEN_DOMCTL_PFINFO_BROKEN = 0xdL << 28;

    /** extent_start: xen_pfn_t[nr_extents] (unsigned long on x86-64). */
    int xc_domain_populate_physmap_exact(XcInterfaceHandle xch, int domid, long nrExtents, int extentOrder,
                                         int memFlags, long[] extentStart);

    /** idx: the index within space (0 for the shared-info page); gpfn: xen_pfn_t. */
    int xc_domain_add_to_physmap(XcInterfaceHandle xch, int domid, int space, long idx, long gpfn);

    int XENMAPSPACE_shared_info = 0;

    long xc_logdirty_control(XcInterfaceHandle xch, int domid, int sop, XcHypercallBuffer dirtyBitmap,
                             long pages, int mode, XcShadowOpStats stats);

    /** The function behind the xc_hypercall_buffer_alloc_pages macro. */
    Pointer xc__hypercall_buffer_alloc_pages(XcInterfaceHandle xch, XcHypercallBuffer b, int nrPages);

    /** The function behind the xc_hypercall_buffer_free_pages macro. */
    void xc__hypercall_buffer_free_pages(XcInterfaceHandle xch, XcHypercallBuffer b, int nrPages);

    /** With a NULL buffer returns the size the context needs; otherwise the size written. */
    int xc_domain_hvm_getcontext(XcInterfaceHandle xch, int domid, Pointer ctxtBuf, int size);

    int xc_domain_hvm_setcontext(XcInterfaceHandle xch, int domid, Pointer hvmCtxt, int size);

    /** {@code ctxt} points at SIZEOF_VCPU_GUEST_CONTEXT_ANY bytes (vcpu_guest_context_any_t). */
    int xc_vcpu_getcontext(XcInterfaceHandle xch, int domid, int vcpu, Pointer ctxt);

    int xc_vcpu_setcontext(XcInterfaceHandle xch, int domid, int vcpu, Pointer ctxt);

    int xc_hvm_param_get(XcInterfaceHandle xch, int domid, int param, LongByReference value);

    int xc_hvm_param_set(XcInterfaceHandle xch, int domid, int param, long value);

    /** Returns the port allocated in {@code dom} (xc_evtchn_port_or_error_t), or -1 with errno set. */
    int xc_evtchn_alloc_unbound(XcInterfaceHandle xch, int dom, int remoteDom);
}
