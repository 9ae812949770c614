package org.kemari.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.kemari.pair.EngineException;
import java.util.List;

/**
 * {@code kemari bench}: every performance figure of the project as a ratio against a physical
 * baseline measured in the same run, on the embedded simulator over loopback TCP (failover
 * with the real daemons in child processes). Prints the table, writes results.json and
 * bench.svg into the output directory. Missing a target is a result, not an error; a
 * measurement that could not be taken is an error (exit 1) and its row says why.
 */
public final class Bench {
    /** Option names, declared by the command line's bench verb. */
    public static final String QUICK = "quick";
    public static final String OUT = "out";
    public static final String DEFAULT_OUT = "kemari-bench";

    private final PrintStream out;
    private final PrintStream log;
    private final Plan plan;
    private final Report report = new Report();
    private boolean failed;

    private Bench(PrintStream out, PrintStream log, Plan plan) {
        this.out = out;
        this.log = log;
        this.plan = plan;
    }

    /**
     * Runs every benchmark and writes results.json and bench.svg to {@code dir}, which exists;
     * true when every figure could be measured.
     */
    public static boolean run(Path dir, boolean quick, PrintStream out, PrintStream log) {
        Bench b = new Bench(out, log, quick ? Plan.quickRun() : Plan.fullRun());
        return b.runAll(dir);
    }

    private boolean runAll(Path dir) {
        report.loadBefore = loadAverage();
        PauseBench pause = new PauseBench();
        measure("guest pause vs memcpy, scaling", () -> {
            pause.run(plan);
            report.targets.addAll(pause.metrics);
            report.scaling.addAll(pause.scaling);
            report.pause.addAll(List.of(pause.pauseVsDirty, pause.memcpyVsDirty));
            report.unplotted.addAll(List.of(pause.wireVsDirty, pause.pauseVsSize, pause.harvestVsSize));
            report.stages.addAll(pause.stages);
        }, "guest pause per epoch, D=16/256/4096", "<= 1.5x memcpy");
        measure("epochs per second", () -> report.targets.addAll(EpochRateBench.run(plan)),
                EpochRateBench.NAME, ">= 1000/s");
        OutputCommitBench commit = new OutputCommitBench();
        measure("io guest through event-tap", () -> {
            commit.run(plan);
            report.targets.addAll(commit.metrics);
            report.commitLatency = commit.latency;
            report.stages.addAll(commit.stages);
        }, "output-commit latency, protected write throughput, compression", "see docs/benchmarks.md");
        RequestResponseBench requestResponse = new RequestResponseBench();
        measure("request/response server through event-tap", () -> {
            requestResponse.run(plan);
            report.targets.addAll(requestResponse.metrics);
            report.stages.addAll(requestResponse.stages);
            report.replyLatencyBare = requestResponse.oneClientBare;
            report.replyLatencyHeld = requestResponse.oneClientHeld;
        }, RequestResponseBench.NAME, RequestResponseBench.TARGET_TEXT);
        ThroughputBench throughput = new ThroughputBench();
        measure("replication vs raw TCP throughput", () -> {
            throughput.run(plan);
            report.targets.addAll(throughput.metrics);
            report.stages.addAll(throughput.stages);
            report.throughput.addAll(List.of(throughput.payload, throughput.wire));
        }, ThroughputBench.NAME, ">= 0.8x raw TCP");
        measure("dirty-bitmap harvest", () -> report.targets.addAll(HarvestBench.run(plan)), HarvestBench.NAME, HarvestBench.TARGET_TEXT);
        measure("failover with the real daemons", () -> report.targets.addAll(FailoverBench.run(plan)),
                FailoverBench.NAME, "<= heartbeat timeout + 50 ms");
        measure("false suspicions of a live primary under load", () -> report.targets.addAll(SuspicionSoak.run(plan)),
                SuspicionSoak.NAME, "");
        report.loadAfter = loadAverage();
        out.println("kemari bench" + (plan.quick() ? " --quick" : "") + ": " + Runtime.getRuntime().availableProcessors()
                + " cpus, Java " + System.getProperty("java.version") + ", simulator backend, loopback TCP; load average "
                + Format.number(report.loadBefore) + " before, " + Format.number(report.loadAfter) + " after");
        report.printTable(out);
        try {
            report.write(dir, plan.quick());
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot write results to " + dir + ": " + e.getMessage(), e);
        }
        out.println();
        out.println("kemari bench: wrote " + dir.resolve(Report.JSON) + " and " + dir.resolve(Report.SVG));
        return !failed;
    }

    /** The machine's 1-minute load average: figures taken on a busy machine are worse, and the report says so. */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs one group of measurements; if it fails, its row says so and the bench exits non-zero. */
    private void measure(String what, Step step, String rowName, String target) {
        log.println("kemari bench: measuring " + what + " ...");
        long t0 = System.nanoTime();
        try {
            step.run();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failed = true;
            String why = "FAILED: " + e;
            log.println("kemari bench: " + what + ": " + why);
            report.targets.add(Metric.notMeasured(rowName, target, why));
        }
        log.printf("kemari bench: %s took %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
    }
}
