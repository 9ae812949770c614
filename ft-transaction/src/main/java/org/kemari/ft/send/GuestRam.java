package org.kemari.ft.send;

import java.util.BitSet;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.Hypervisor;

/**
 * The frames of the guest that are its own RAM, found once when replication starts. A PVH or HVM
 * guest's frame range reaches ~4 GiB whatever its size, nearly all holes, and mapping a hole
 * costs dom0 a failed hypercall per frame; Xen's page types tell them apart in one call per 1024.
 * Xen's own pages in the physmap (shared info, grant frames) are not RAM: the grant table travels
 * as its own snapshot, the shared-info page's place in the PHYSMAP record. Pages the guest
 * populates later (ballooning up) are not replicated: memory-only replication assumes a guest of
 * fixed memory, as Remus does between its checkpoints' page-type scans.
 */
final class GuestRam {
    private static final int SCAN = 1 << 16;

    private GuestRam() {
    }

    static DirtyBitmap of(Hypervisor hv, int domid, long frames) {
        DirtyBitmap ram = new DirtyBitmap(frames);
        for (long first = 0; first < frames; first += SCAN) {
            int n = (int) Math.min(SCAN, frames - first);
            BitSet bits = hv.ramFrames(domid, first, n);
            for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
                ram.set(first + i);
            }
        }
        return ram;
    }
}
