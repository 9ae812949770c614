package org.kemari.ft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;

/** Everything replication must reproduce of a paused domain, read through the hypervisor API. */
/** @param sharedInfo where the shared-info page is in the physmap, -1 if nowhere */
public record GuestState(byte[] memory, byte[] hvm, byte[][] vcpus, byte[] grants, long sharedInfo) {

    public static GuestState of(Hypervisor hv, int domid) {
        DomainInfo d = hv.domain(domid);
        int frames = (int) (d.maxGpfn() + 1);
        byte[] mem = new byte[frames * ForeignMapping.PAGE_SIZE];
        long[] pfns = new long[1024];
        for (int start = 0; start < frames; start += pfns.length) {
            int n = Math.min(pfns.length, frames - start);
            for (int i = 0; i < n; i++) {
                pfns[i] = start + i;
            }
            try (ForeignMapping m = hv.map(domid, pfns, n, false)) {
                for (int i = 0; i < n; i++) {
                    if (m.error(i) == 0) {
                        ByteBuffer p = m.page(i).duplicate();
                        p.get(mem, (start + i) * ForeignMapping.PAGE_SIZE, ForeignMapping.PAGE_SIZE);
                    }
                }
            }
        }
        byte[][] vcpus = new byte[d.vcpus()][];
        for (int v = 0; v < vcpus.length; v++) {
            vcpus[v] = hv.vcpuContext(domid, v).bytes();
        }
        byte[] hvm = d.type().hasHvmContext() ? hv.hvmContext(domid).bytes() : new byte[0];
        byte[] grants;
        try (var g = hv.openGrantTables()) {
            grants = g.snapshot(domid);
        }
        return new GuestState(mem, hvm, vcpus, grants, hv.sharedInfoFrame(domid).orElse(-1));
    }

    /** Byte-for-byte equality, failing with the first differing byte of each part. */
    public void assertSameAs(GuestState other) {
        int at = Arrays.mismatch(memory, other.memory);
        assertThat(at).as("first differing byte of guest memory (pfn %d)", at / ForeignMapping.PAGE_SIZE).isEqualTo(-1);
        assertThat(Arrays.mismatch(hvm, other.hvm)).as("first differing byte of the HVM context").isEqualTo(-1);
        for (int v = 0; v < vcpus.length; v++) {
            assertThat(Arrays.mismatch(vcpus[v], other.vcpus[v])).as("first differing byte of vcpu %d's context", v).isEqualTo(-1);
        }
        assertThat(Arrays.mismatch(grants, other.grants)).as("first differing byte of the grant table").isEqualTo(-1);
        assertThat(sharedInfo).as("the shared-info page's frame").isEqualTo(other.sharedInfo);
    }
}
