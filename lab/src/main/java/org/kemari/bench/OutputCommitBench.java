package org.kemari.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kemari.xen.sim.guest.IoGuestConfig;

/**
 * The io-guest figures, all through the real event-tap and ringsync path ({@link IoGuestRun}):
 * output-commit latency with about 16 dirty pages per epoch, protected against unprotected
 * write throughput, and wire bytes per dirty byte on the demo's workload.
 */
final class OutputCommitBench {
    static final Metric.Bound P50 = Metric.Bound.atMost(0.5, " ms");
    static final Metric.Bound P99 = Metric.Bound.atMost(2, " ms");
    static final Metric.Bound THROUGHPUT = Metric.Bound.atLeast(0.5, "x unprotected");
    static final Metric.Bound COMPRESSION = Metric.Bound.atMost(0.35, "");
    /**
     * 11 working-set pages + info page + 2 ring pages + block data + tx buffer = 16 at most; 40
     * touches between writes (4 per step, a write every 10 steps at 2000 steps/s) dirty them all.
     */
    private static final IoGuestConfig PACED = new IoGuestConfig("commit-latency", 16, 1, 11, 4, 10, 64, 2000, 1);
    private static final IoGuestConfig FLAT_OUT = new IoGuestConfig("write-throughput", 16, 1, 11, 1, 1, 64, 0, 1);
    /** The demo's guest and sync interval: the "realistic workload" for compression. */
    private static final IoGuestConfig DEMO = IoGuestConfig.demo("compression");
    private static final Duration DEMO_INTERVAL = Duration.ofMillis(20);
    private static final Duration NO_PERIOD = Duration.ofSeconds(30);

    final List<Metric> metrics = new ArrayList<>();
    final List<StageRun> stages = new ArrayList<>();
    Samples latency;

    void run(Plan plan) throws Exception {
        IoGuestRun.Window paced = window(PACED, true, NO_PERIOD, plan);
        latency = paced.latency();
        String how = String.format(Locale.ROOT, "%d block writes, notify -> backend consumes; %.1f pages/epoch;"
                + " io guest: 11-page working set, 4 touches/step, a write every 5 ms", latency.count(), paced.pagesPerEpoch());
        metrics.add(Metric.absolute("output-commit latency p50", latency.median() / 1e6, "ms", P50, how));
        metrics.add(Metric.absolute("output-commit latency p99", latency.quantile(0.99) / 1e6, "ms", P99, how));

        IoGuestRun.Window bare = window(FLAT_OUT, false, NO_PERIOD, plan);
        IoGuestRun.Window held = window(FLAT_OUT, true, NO_PERIOD, plan);
        metrics.add(Metric.relative("protected sequential 4 KiB write throughput", held.writesPerSecond(), "writes/s",
                bare.writesPerSecond(), "writes/s unprotected", THROUGHPUT, String.format(Locale.ROOT,
                        "io guest unthrottled, a write then its net ack per loop; protected: %.1f pages/epoch, p50 hold %.3f ms",
                        held.pagesPerEpoch(), held.latency().median() / 1e6)));

        IoGuestRun.Window demo = window(DEMO, true, DEMO_INTERVAL, plan);
        metrics.add(Metric.absolute("wire bytes / dirty bytes, compression on", demo.wirePerDirtyByte(), "", COMPRESSION,
                String.format(Locale.ROOT, "demo io guest (1024-page working set, 4 word rewrites/step, 4 KiB block"
                        + " write every 10 steps, 2000 steps/s), epochs every 20 ms + per write; %d epochs, %.1f pages/epoch",
                        demo.epochs(), demo.pagesPerEpoch())));
    }

    private IoGuestRun.Window window(IoGuestConfig config, boolean protect, Duration period, Plan plan)
            throws Exception {
        try (IoGuestRun run = new IoGuestRun(config, protect, period)) {
            run.measure(plan.window().dividedBy(4));
            IoGuestRun.Window w = run.measure(plan.window());
            if (protect) {
                stages.add(new StageRun(config.name(), run.stages()));
            }
            return w;
        }
    }
}
