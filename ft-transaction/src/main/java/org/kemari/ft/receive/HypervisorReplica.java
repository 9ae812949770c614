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
        try (ForeignMapping m = hv.map(domid, pfns, count, true)) {
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
            try (ForeignMapping m = hv.map(domid, pfns, n, true)) {
                for (int i = 0; i < n; i++) {
                    page(m, i).put(epoch.pages.page(start + i));
                }
            }
        }
        for (VcpuContext v : epoch.vcpus) {
            hv.setVcpuContext(domid, v);
        }
        // last: for HVM and PVH guests the HVM context is the complete CPU state (as in Xen's
        // own restore), so it must win over anything the vcpu contexts do not carry
        if (epoch.hvm != null) {
            hv.setHvmContext(domid, epoch.hvm);
        }
        grants.restore(domid, epoch.grants);
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
