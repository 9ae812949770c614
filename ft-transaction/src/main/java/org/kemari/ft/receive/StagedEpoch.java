package org.kemari.ft.receive;

import java.util.ArrayList;
import java.util.List;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.compress.PageStore;
import org.kemari.ft.wire.Control;
import org.kemari.xen.HvmContext;
import org.kemari.xen.VcpuContext;

/**
 * One epoch as received so far, decoded and held apart from the replica until its commit
 * arrives. Reused from epoch to epoch so a steady stream does not allocate page memory.
 */
final class StagedEpoch {
    final PageStore pages = new PageStore();
    long epoch;
    long declaredPages;
    HvmContext hvm;
    /** From PHYSMAP: the primary's shared-info gfn, -1 if unmapped; null until the record arrived. */
    Control.Physmap physmap;
    VcpuContext[] vcpus;
    byte[] grants;
    final List<OpaqueRecord> opaque = new ArrayList<>();

    void reset(long epoch, long declaredPages, int vcpuCount) {
        pages.clear();
        this.epoch = epoch;
        this.declaredPages = declaredPages;
        hvm = null;
        physmap = null;
        vcpus = new VcpuContext[vcpuCount];
        grants = null;
        opaque.clear();
    }
}
