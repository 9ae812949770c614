package org.kemari.bench;

import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * The part of the pause that grows with guest size, up to guests too large to replicate in
 * the bench (see {@link Plan}): cleaning the log-dirty bitmap and collecting its set pages, as
 * the capture does while the guest is paused, with no replication behind it. The guest's
 * memory beyond its working set is never touched, so the simulator never populates it.
 */
final class HarvestScaling {
    private HarvestScaling() {
    }

    /** Clean + collect times for a {@code mib} guest with about {@code dirty} pages dirty each time. */
    static Samples measure(long mib, int dirty, int reps) {
        try (SimHost host = new SimHost()) {
            Hypervisor hv = host.open();
            int domid = host.createGuest(GuestSpec.memtouch("harvest-" + mib).withMemoryMiB(mib)
                    .withWorkingSetPages(dirty).withStepsPerSecond(1));
            hv.enableLogDirty(domid);
            DirtyBitmap bitmap = new DirtyBitmap(hv.domain(domid).maxGpfn() + 1);
            long[] pfns = new long[dirty + 1];
            Samples s = new Samples();
            // a long warm-up: the first guest size measured would otherwise also time the JIT
            for (int r = -100; r < reps; r++) {
                hv.pause(domid);
                try {
                    host.runSteps(domid, 4L * dirty);
                    long t0 = System.nanoTime();
                    hv.cleanLogDirty(domid, bitmap);
                    bitmap.collect(pfns);
                    long t = System.nanoTime() - t0;
                    if (r >= 0) {
                        s.add(t);
                    }
                } finally {
                    hv.unpause(domid);
                }
            }
            return s;
        }
    }
}
