package org.kemari.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.kemari.ft.send.SenderStats;
import org.kemari.ft.wire.Features;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * Epochs with a chosen number of dirty pages: a memtouch guest over a working set of D pages,
 * running at one step per second (next to idle), is paused by the bench, stepped 4·D times
 * (xorshift page choice, so about 98 % of the working set gets written) and unpaused; then
 * one epoch is taken. The epoch pauses a running guest as in production; what it carries is
 * counted from the sender's statistics, not assumed.
 */
final class DirtyEpochs implements AutoCloseable {
    private static final long STEPS_PER_PAGE = 4;
    private final SimHost host = new SimHost();
    private final Hypervisor hv = host.open();
    private final int domid;
    private final SimPair pair;
    private final int workingSet;
    private final long guestMiB;

    DirtyEpochs(long guestMiB, int workingSet) throws java.io.IOException {
        this.guestMiB = guestMiB;
        this.workingSet = workingSet;
        domid = host.createGuest(GuestSpec.memtouch("pause-" + workingSet).withMemoryMiB(guestMiB).withVcpus(1)
                .withWorkingSetPages(workingSet).withStepsPerSecond(1));
        try {
            pair = new SimPair(hv, domid, Features.ALL, null);
        } catch (java.io.IOException | RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /** The smallest guest (64 MiB at least, a power of two) with room for twice {@code pages}. */
    static long guestMiBFor(long pages) {
        long mib = 64;
        while (mib * 256 < pages * 2) {
            mib *= 2;
        }
        return mib;
    }

    long guestMiB() {
        return guestMiB;
    }

    /** Per-epoch figures over {@code reps} measured epochs after {@code warmup} unmeasured ones. */
    Result measure(int warmup, int reps) throws Exception {
        Samples pause = new Samples();
        Samples sync = new Samples();
        long pages = 0;
        long bytes = 0;
        for (int r = -warmup; r < reps; r++) {
            dirtyWorkingSet();
            SenderStats before = pair.stats();
            long t0 = System.nanoTime();
            pair.sync();
            long t = System.nanoTime() - t0;
            SenderStats after = pair.stats();
            if (r >= 0) {
                sync.add(t);
                pause.add(after.lastPause().toNanos());
                pages += after.pages() - before.pages();
                bytes += after.bytes() - before.bytes();
            }
        }
        return new Result(workingSet, guestMiB, pause, sync, (double) pages / reps, (double) bytes / reps, pauseUnpause(reps),
                hypervisorCalls(warmup, reps, (int) Math.round((double) pages / reps)), pair.stages());
    }

    /** Writes (about 98 % of) the working set with the guest paused, then lets it run again. */
    private void dirtyWorkingSet() {
        hv.pause(domid);
        try {
            host.runSteps(domid, STEPS_PER_PAGE * workingSet);
        } finally {
            hv.unpause(domid);
        }
    }

    /**
     * The hypervisor calls an epoch of this guest makes, alone and in its order, on the same
     * guest: pause, log-dirty clean, one map and unmap of as many frames as an epoch carried,
     * HVM context read and write back (the PM timer's reload), shared-info place, each vcpu's
     * context, the grant-table snapshot, unpause. What an epoch takes beyond these and the copy
     * is kemari's own. Each run follows the same dirtying as an epoch does and runs on a thread
     * woken for it, as the sender's capture thread is: the simulator's context reads wait for
     * the vcpu to stop, and a vcpu that ran since the unpause takes longer to stop (13-44 us
     * against 3.5 us, by hand), so both sides of the difference meet the guest in the same
     * state. Warm-up is the epochs', so both are compiled.
     */
    private Samples hypervisorCalls(int warmup, int reps, int frames) throws Exception {
        DirtyBitmap dirty = new DirtyBitmap(hv.domain(domid).maxGpfn() + 1);
        long[] pfns = new long[frames];
        for (int i = 0; i < frames; i++) {
            pfns[i] = i;
        }
        int vcpus = hv.domain(domid).vcpus();
        Samples alone = new Samples();
        ExecutorService capture = Executors.newSingleThreadExecutor(r -> new Thread(r, "calls-alone"));
        try (GrantTables grants = hv.openGrantTables()) {
            for (int r = -warmup; r < reps; r++) {
                dirtyWorkingSet();
                long took = capture.submit(() -> {
                    long t0 = System.nanoTime();
                    hv.pause(domid);
                    hv.cleanLogDirty(domid, dirty);
                    hv.map(domid, pfns, frames, false).close();
                    hv.setHvmContext(domid, hv.hvmContext(domid));
                    hv.sharedInfoFrame(domid);
                    for (int v = 0; v < vcpus; v++) {
                        hv.vcpuContext(domid, v);
                    }
                    grants.snapshot(domid);
                    hv.unpause(domid);
                    return System.nanoTime() - t0;
                }).get();
                if (r >= 0) {
                    alone.add(took);
                }
            }
        } finally {
            capture.shutdownNow();
        }
        return alone;
    }

    /** The backend's own pause and unpause of the same running guest, nothing in between: the fixed cost of any stop. */
    private Samples pauseUnpause(int reps) {
        Samples alone = new Samples();
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            hv.pause(domid);
            hv.unpause(domid);
            alone.add(System.nanoTime() - t0);
        }
        return alone;
    }

    @Override
    public void close() {
        pair.close();
        host.close();
    }

    /**
     * @param sync          request to ACK of each epoch, one at a time
     * @param pagesPerEpoch mean pages each epoch carried (working-set pages written plus the info page)
     * @param wireBytes     mean stream bytes per epoch (all encodings offered)
     * @param pauseUnpause  the backend's pause then unpause of the same guest alone, as many times
     * @param hypervisor    every hypervisor call of an epoch alone, in its order, as many times
     * @param stages        where the epochs' time went, stage by stage (warm-up included)
     */
    record Result(int workingSet, long guestMiB, Samples pause, Samples sync, double pagesPerEpoch, double wireBytes,
                  Samples pauseUnpause, Samples hypervisor, java.util.List<org.kemari.ft.timing.StageSummary> stages) {
    }
}
