package org.kemari.ft.receive;

import java.nio.ByteBuffer;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;

/** The replica as a paused domain: pages through foreign mappings, contexts and grants through the hypervisor. */
final class HypervisorReplica implements Replica {
    private final Hypervisor hv;
    private final int domid;
    private final GrantTables grants;
    /** Where the replica's shared-info page is mapped, -1 where the toolstack left it (nowhere). */
    private long sharedInfo = -1;

    HypervisorReplica(Hypervisor hv, int domid) {
        this.hv = hv;
        this.domid = domid;
        this.grants = hv.openGrantTables();
    }

    int domid() {
        return domid;
    }

    @Override
    public void read(long[] pfns, int count, ByteBuffer into) {
        try (ForeignMapping m = hv.map(domid, pfns, count, false)) {
            for (int i = 0; i < count; i++) {
                into.put(page(m, i).duplicate());
            }
        }
    }

    @Override
    public void write(long[] pfns, int count, ByteBuffer pages) {
        try (ForeignMapping m = mapForWrite(pfns, count)) {
            for (int i = 0; i < count; i++) {
                page(m, i).put(pages.slice(pages.position() + i * Wire.PAGE_SIZE, Wire.PAGE_SIZE));
            }
        }
    }

    @Override
    public void apply(StagedEpoch epoch) {
        long[] pfns = new long[Math.min(Wire.MAX_BATCH_PAGES, Math.max(1, epoch.pages.count()))];
        for (int start = 0; start < epoch.pages.count(); start += pfns.length) {
            int n = Math.min(pfns.length, epoch.pages.count() - start);
            for (int i = 0; i < n; i++) {
                pfns[i] = epoch.pages.pfn(start + i);
            }
            try (ForeignMapping m = mapForWrite(pfns, n)) {
                for (int i = 0; i < n; i++) {
                    page(m, i).put(epoch.pages.page(start + i));
                }
            }
        }
        if (epoch.hvm != null) {
            // the guest mapped Xen's shared-info page over one of its frames at boot; the replica,
            // built by the toolstack, has RAM there, and the guest expects that page at failover
            if (epoch.physmap.sharedInfo() >= 0 && epoch.physmap.sharedInfo() != sharedInfo) {
                hv.mapSharedInfo(domid, epoch.physmap.sharedInfo());
                sharedInfo = epoch.physmap.sharedInfo();
            }
            // Xen takes the domain's vm_assist from vcpu 0's context alone, and no HVM context
            // record carries it; the registers that call also loads, the HVM context (the
            // complete CPU state of an HVM or PVH vcpu, all Xen's own restore loads) then replaces
            hv.setVcpuContext(domid, epoch.vcpus[0]);
            hv.setHvmContext(domid, epoch.hvm);
        } else {
            for (VcpuContext v : epoch.vcpus) {
                hv.setVcpuContext(domid, v);
            }
        }
        grants.restore(domid, epoch.grants);
    }

    /**
     * Maps frames for writing, first populating those the replica lacks: the toolstack built it
     * with the RAM its config gives, while the running primary also has frames it mapped into
     * its physmap later (a PVH/HVM guest's grant frames go above its RAM), which it sends like any.
     */
    private ForeignMapping mapForWrite(long[] pfns, int count) {
        ForeignMapping m = hv.map(domid, pfns, count, true);
        long[] missing = new long[count];
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (m.error(i) != 0) {
                missing[k++] = pfns[i];
            }
        }
        if (k == 0) {
            return m;
        }
        m.close();
        hv.populate(domid, missing, k);
        return hv.map(domid, pfns, count, true);
    }

    private ByteBuffer page(ForeignMapping m, int i) {
        if (m.error(i) != 0) {
            throw new XenException("replica page", domid, m.error(i), "pfn " + m.pfn(i) + " of the replica cannot be mapped");
        }
        return m.page(i).duplicate();
    }

    void close() {
        grants.close();
    }
}
