package org.kemari.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Guest pause per epoch against the time to memcpy the same pages, and how pause and wire
 * bytes scale with dirty pages and with guest size ({@link DirtyEpochs} makes the epochs).
 */
final class PauseBench {
    private static final long[] JUDGED = {16, 256, 4096};
    private static final Metric.Bound TARGET = Metric.Bound.atMost(1.5, "x memcpy");
    private static final long SIZE_SCALE_DIRTY = 256;
    /** Kemari's own share of a stop, beyond what the hypervisor's pause/unpause and the copy take. */
    private static final Metric.Bound OWN_SHARE = Metric.Bound.atMost(20, " µs");
    private static final long WARMUP_PAGES = 65536;

    final List<Metric> metrics = new ArrayList<>();
    final List<Metric> scaling = new ArrayList<>();
    /** The stages of the smallest judged epochs: what the pause beyond pause/unpause and memcpy is made of. */
    final List<StageRun> stages = new ArrayList<>();
    final Series pauseVsDirty = new Series("guest pause (p50)", "dirty pages per epoch", "ms");
    final Series memcpyVsDirty = new Series("memcpy of the same pages", "dirty pages per epoch", "ms");
    final Series wireVsDirty = new Series("wire KiB per epoch", "dirty pages per epoch", "KiB");
    final Series pauseVsSize = new Series("guest pause (p50), 256 dirty", "guest MiB", "ms");
    final Series harvestVsSize = new Series("log-dirty clean + collect (p50), 256 dirty", "guest MiB", "ms");

    void run(Plan plan) throws Exception {
        for (long d : plan.dirtyScale()) {
            DirtyEpochs.Result r = measure(DirtyEpochs.guestMiBFor(d), d, plan);
            int pages = (int) Math.round(r.pagesPerEpoch());
            double copy = Memcpy.nanos(pages, Math.max(20, plan.epochsFor(d)));
            double pause = r.pause().median();
            pauseVsDirty.add(r.pagesPerEpoch(), pause / 1e6);
            memcpyVsDirty.add(r.pagesPerEpoch(), copy / 1e6);
            wireVsDirty.add(r.pagesPerEpoch(), r.wireBytes() / 1024);
            String how = String.format(Locale.ROOT, "%d MiB guest, %.0f pages/epoch measured, %d epochs, p99 %.3f ms",
                    r.guestMiB(), r.pagesPerEpoch(), r.pause().count(), r.pause().quantile(0.99) / 1e6);
            if (contains(JUDGED, d)) {
                metrics.add(Metric.relative("guest pause per epoch, D=" + d, pause / 1e6, "ms", copy / 1e6,
                        "ms memcpy", TARGET, how));
            }
            if (d == JUDGED[0]) {
                stages.add(new StageRun("pause, D=" + d, r.stages()));
                double alone = r.pauseUnpause().median();
                double calls = r.hypervisor().median();
                // medians of two distributions: noise can make a share near zero come out below it
                metrics.add(Metric.absolute("guest pause, D=" + d + ": kemari's share beyond pause/unpause and memcpy",
                        (pause - alone - copy) / 1e3, "µs", OWN_SHARE, String.format(Locale.ROOT,
                                "pause p50 %.1f µs - the backend's pause+unpause alone p50 %.1f µs (p99 %.1f, same guest, same run)"
                                        + " - memcpy of %d pages %.1f µs; stages below", pause / 1e3, alone / 1e3,
                                r.pauseUnpause().quantile(0.99) / 1e3, pages, copy / 1e3)));
                metrics.add(Metric.absolute("guest pause, D=" + d + ": kemari's share beyond every hypervisor call and memcpy",
                        (pause - calls - copy) / 1e3, "µs", OWN_SHARE, String.format(Locale.ROOT,
                                "pause p50 %.1f µs - the epoch's hypervisor calls alone in its order (pause, log-dirty clean,"
                                        + " map+unmap of %d frames, HVM context read+write, shared-info place, vcpu contexts,"
                                        + " grant snapshot, unpause) p50 %.1f µs (p99 %.1f, same guest, same run) - memcpy %.1f µs",
                                pause / 1e3, pages, calls / 1e3, r.hypervisor().quantile(0.99) / 1e3, copy / 1e3)));
            }
            scaling.add(Metric.info("scaling: pause p50, D=" + d, pause / 1e6, "ms", how));
            scaling.add(Metric.info("scaling: wire bytes/epoch, D=" + d, r.wireBytes(), "B", String.format(Locale.ROOT,
                    "%.3f of the dirty bytes (all encodings offered)", r.wireBytes() / (r.pagesPerEpoch() * 4096))));
        }
        for (long mib : plan.harvestScaleMiB()) {
            Samples h = HarvestScaling.measure(mib, (int) SIZE_SCALE_DIRTY, plan.epochs());
            harvestVsSize.add(mib, h.median() / 1e6);
            scaling.add(Metric.info("scaling: log-dirty clean + collect, " + mib + " MiB guest, D=" + SIZE_SCALE_DIRTY,
                    h.median() / 1e6, "ms", String.format(Locale.ROOT, "guest paused, no replication; p99 %.3f ms, %d reps",
                            h.quantile(0.99) / 1e6, h.count())));
        }
        for (long mib : plan.guestScaleMiB()) {
            DirtyEpochs.Result r = measure(mib, SIZE_SCALE_DIRTY, plan);
            pauseVsSize.add(mib, r.pause().median() / 1e6);
            scaling.add(Metric.info("scaling: pause p50, " + mib + " MiB guest, D=" + SIZE_SCALE_DIRTY,
                    r.pause().median() / 1e6, "ms", String.format(Locale.ROOT, "%.0f pages/epoch, wire %.0f B/epoch",
                            r.pagesPerEpoch(), r.wireBytes())));
        }
    }

    /**
     * A pair that protects a guest for hours runs the capture path compiled; so that small
     * epochs are measured that way too, and not while the JIT is still at work, the full run
     * warms each size up with at least {@link #WARMUP_PAGES} pages' worth of epochs (4096 epochs
     * at D=16, the plan's minimum from D=4096 on).
     */
    private static DirtyEpochs.Result measure(long mib, long dirty, Plan plan) throws Exception {
        int warmup = plan.quick() ? plan.warmupEpochs() : (int) Math.max(plan.warmupEpochs(), WARMUP_PAGES / dirty);
        try (DirtyEpochs e = new DirtyEpochs(mib, (int) dirty)) {
            return e.measure(warmup, plan.epochsFor(dirty));
        }
    }

    private static boolean contains(long[] values, long v) {
        for (long x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
