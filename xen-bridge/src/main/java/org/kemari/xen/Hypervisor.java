package org.kemari.xen;

import java.util.List;

/**
 * The hypervisor as dom0 sees it: domain control, log-dirty, foreign memory and contexts (the
 * libxenctrl / libxenforeignmemory surface), plus factories for the event-channel, grant-table
 * and xenstore handles. Every backend (xen, sim) implements this one-to-one and must pass the
 * hypervisor TCK. All failures are {@link XenException}.
 */
public interface Hypervisor extends AutoCloseable {

    /** "xen" or "sim". */
    String backend();

    List<DomainInfo> domains();

    /** @throws XenException with ESRCH if there is no such domain */
    DomainInfo domain(int domid);

    /** By name, or by numeric id given as text, as xl accepts either. */
    DomainInfo lookup(String nameOrId);

    /** Creates an empty domain of the given shape, paused, with all its memory populated. */
    int createDomain(DomainConfig config);

    /**
     * Raises the domain's controller pause count; the vcpus are stopped when this returns.
     * Pauses nest: the domain runs again only when every pause is undone.
     */
    void pause(int domid);

    /** Undoes one {@link #pause}; EINVAL if the domain is not paused by the controller. */
    void unpause(int domid);

    void destroy(int domid);

    /** Turns on dirty logging; EOPNOTSUPP for a PV guest on a Xen without shadow paging. */
    void enableLogDirty(int domid);

    void disableLogDirty(int domid);

    /** Fills {@code into} with the pages dirtied since the last clean, and resets the log. Returns the dirty count. */
    long cleanLogDirty(int domid, DirtyBitmap into);

    /** Like {@link #cleanLogDirty} but leaves the log as it is. */
    long peekLogDirty(int domid, DirtyBitmap into);

    /** Maps {@code count} frames of {@code pfns} (xenforeignmemory_map), with per-frame errors. */
    ForeignMapping map(int domid, long[] pfns, int count, boolean writable);

    /**
     * Which of {@code count} frames from {@code firstPfn} are the guest's own RAM: bit i of the
     * result is frame {@code firstPfn + i} (xc_get_pfn_type_batch: every type but XTAB). Holes are
     * not, and neither are Xen's pages mapped into the guest's physmap (shared info, grant-table
     * frames), which are hypervisor state and travel by their own interfaces, as in Xen's own save.
     * Much cheaper than mapping: a PVH/HVM guest's frame range spans ~1M pfns, nearly all holes.
     */
    java.util.BitSet ramFrames(int domid, long firstPfn, int count);

    /**
     * Gives the domain fresh RAM at frames it has none (xc_domain_populate_physmap_exact, one
     * page each), as Xen's own restore does for frames the saved guest had and the new domain
     * lacks: a replica built by the toolstack has RAM where the config says, while the running
     * primary may also have frames it mapped into its physmap since (grant frames above its RAM).
     * Only for frames that do not map; counts against the domain's memory limit (ENOMEM past it).
     */
    void populate(int domid, long[] pfns, int count);

    /**
     * Where a PVH or HVM guest's shared-info page sits in its physmap (the gfn Xen reports in
     * xc_domaininfo_t.shared_info_frame once the guest, or its firmware, has mapped it with
     * XENMAPSPACE_shared_info); empty while it is mapped nowhere, and always for a PV guest, which
     * addresses the page by machine frame. The frame is Xen's page, not RAM ({@link #ramFrames}).
     */
    java.util.OptionalLong sharedInfoFrame(int domid);

    /**
     * Maps the domain's shared-info page at {@code gfn} (xc_domain_add_to_physmap,
     * XENMAPSPACE_shared_info), as the guest itself does at boot: RAM at that frame is freed, and
     * the page leaves the frame it was at before, which becomes a hole. The mapping is hypervisor
     * state no memory copy carries; a replica needs it where the primary has it.
     */
    void mapSharedInfo(int domid, long gfn);

    int hvmContextSize(int domid);

    HvmContext hvmContext(int domid);

    /**
     * Loads a context into a paused domain. Xen's hvm_load marks every vcpu down first and
     * brings up only those the context has a CPU record for.
     */
    void setHvmContext(int domid, HvmContext context);

    /**
     * Whether a vcpu of the paused HVM domain {@code domid} waits on the device model: a request
     * on ioreq server {@code server}'s synchronous page whose answer the vcpu has not taken yet.
     * Such a vcpu is inside an instruction; loading a CPU record into it cancels the emulation
     * (hvmemul_cancel) and it would issue the request again when it runs.
     */
    boolean ioreqPending(int domid, int server);

    VcpuContext vcpuContext(int domid, int vcpu);

    void setVcpuContext(int domid, VcpuContext context);

    /** An HVM parameter (HVM_PARAM_* from public/hvm/params.h). */
    long hvmParam(int domid, int param);

    void setHvmParam(int domid, int param, long value);

    /**
     * xc_evtchn_alloc_unbound: allocates, in {@code domid}'s own port table, an unbound port that
     * {@code remoteDomid} may bind to, as the toolstack does for a domain it builds. Xen takes the
     * lowest free port, so the same allocations on a fresh domain give the same numbers: this is
     * how dom0 re-creates a replica's ports, which are hypervisor state and not in its memory.
     */
    int allocUnboundPort(int domid, int remoteDomid);

    EventChannels openEventChannels();

    GrantTables openGrantTables();

    XenStore openXenStore();

    @Override
    void close();
}
