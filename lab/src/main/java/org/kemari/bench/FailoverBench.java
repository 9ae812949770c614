package org.kemari.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kemari.config.Heartbeat;
import org.kemari.config.PairConfigLoader;
import org.kemari.torture.DemoPair;

/**
 * Failover time with the real daemons: runs {@code kemari demo} in a child JVM (primary and
 * secondary are its own child processes, the guest's output goes to its external checker),
 * which SIGKILLs the primary and reports when the checker first heard the replica. The
 * heartbeat timeout the target allows is read from the config the demo wrote, not assumed.
 */
final class FailoverBench {
    static final String NAME = "failover: primary SIGKILL -> first replica output";
    private static final Pattern WORK_DIR = Pattern.compile("kemari demo: work dir (\\S+)");
    private static final Pattern FIRST_OUTPUT = Pattern.compile("first guest output from the replica (\\d+) ms after the kill");
    /** The secondary's own account of its failover (engine FailoverSplit), from its log. */
    private static final Pattern SPLIT = Pattern.compile("failover split: (.*)$");
    private static final Duration RUN_LIMIT = Duration.ofMinutes(2);
    private static final Duration SLACK = Duration.ofMillis(50);

    private FailoverBench() {
    }

    /** The demo's own heartbeat timeout, and a sub-second one a user may choose to fail over faster. */
    static final List<Duration> TIMEOUTS = List.of(DemoPair.Liveness.DEMO.heartbeatTimeout(), Duration.ofMillis(100));

    /** One row per heartbeat timeout of {@link #TIMEOUTS}, each the worst of the plan's runs. */
    static List<Metric> run(Plan plan) throws Exception {
        List<Metric> rows = new ArrayList<>();
        for (Duration timeout : TIMEOUTS) {
            rows.add(run(plan, timeout));
        }
        return rows;
    }

    private static Metric run(Plan plan, Duration timeout) throws Exception {
        String name = NAME + ", heartbeat timeout " + timeout.toMillis() + " ms";
        if (plan.failoverRuns() == 0) {
            return Metric.notMeasured(name, "<= heartbeat timeout + 50 ms",
                    "not run with --quick (starts three JVMs per run); see the full run");
        }
        Samples times = new Samples();
        List<String> each = new ArrayList<>();
        List<String> discarded = new ArrayList<>();
        DemoResult worst = null;
        for (int attempt = 0; times.count() < plan.failoverRuns() && attempt < 2 * plan.failoverRuns(); attempt++) {
            DemoResult r = demo(timeout);
            // The replica cannot speak before the secondary has declared the primary dead: at the
            // earliest a heartbeat timeout after the last heartbeat, which preceded the kill by at
            // most one interval. An earlier "first output" is the dead primary's last
            // acknowledgement still in flight when it was killed, not a failover.
            if (r.failoverMillis < r.earliestPossible().toMillis()) {
                discarded.add(Long.toString(r.failoverMillis));
                continue;
            }
            times.add(r.failoverMillis * 1_000_000);
            each.add(Long.toString(r.failoverMillis));
            if (worst == null || r.failoverMillis > worst.failoverMillis) {
                worst = r;
            }
        }
        if (times.count() == 0) {
            throw new IllegalStateException("no kemari demo run reported a failover time a replica could have achieved"
                    + " (heartbeat timeout minus one interval at least): " + String.join(", ", discarded) + " ms");
        }
        Duration configured = worst.heartbeatTimeout;
        if (!configured.equals(timeout)) {
            throw new IllegalStateException("kemari demo --heartbeat-timeout " + timeout.toMillis() + "ms wrote a config with "
                    + configured.toMillis() + " ms");
        }
        Metric.Bound bound = Metric.Bound.atMost(configured.plus(SLACK).toMillis(), " ms (heartbeat timeout "
                + configured.toMillis() + " + 50)");
        return Metric.absolute(name + " (worst of " + times.count() + ")", times.quantile(1.0) / 1e6, "ms", bound, String.format(Locale.ROOT,
                "kemari demo --heartbeat-timeout %dms in child JVMs (witness lease as long), runs: %s ms; median %.0f ms;"
                        + " the worst run's secondary: %s%s", timeout.toMillis(), String.join(", ", each),
                times.median() / 1e6, worst.split,
                discarded.isEmpty() ? "" : "; discarded (earlier than detection allows, so the primary's last packet): "
                        + String.join(", ", discarded) + " ms"));
    }

    /** @param split the secondary's own split of the failover (the 'failover split' line of its log) */
    private record DemoResult(long failoverMillis, Duration heartbeatTimeout, Duration heartbeatInterval, String split) {
        Duration earliestPossible() {
            return heartbeatTimeout.minus(heartbeatInterval);
        }
    }

    private static DemoResult demo(Duration timeout) throws Exception {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "org.kemari.cli.Main", "demo", "--heartbeat-timeout",
                timeout.toMillis() + "ms");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Path work = null;
        Long millis = null;
        boolean passed = false;
        StringBuilder transcript = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Watchdog.kill(p, RUN_LIMIT);
            for (String line; (line = out.readLine()) != null; ) {
                transcript.append(line).append('\n');
                Matcher m = WORK_DIR.matcher(line);
                if (m.find()) {
                    work = Path.of(m.group(1));
                }
                m = FIRST_OUTPUT.matcher(line);
                if (m.find()) {
                    millis = Long.parseLong(m.group(1));
                }
                passed |= line.contains("VERDICT: PASS");
            }
            if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("kemari demo did not finish within " + RUN_LIMIT.toSeconds() + "s");
            }
        } finally {
            // collected first: once the demo is gone its daemons are no longer its descendants
            List<ProcessHandle> daemons = p.descendants().toList();
            p.destroy();
            daemons.forEach(ProcessHandle::destroyForcibly);
        }
        if (!passed || millis == null || work == null) {
            throw new IllegalStateException("kemari demo (exit " + p.exitValue() + ") did not pass or report a failover time:\n"
                    + transcript);
        }
        Heartbeat heartbeat = new PairConfigLoader().load(work.resolve("demo.yaml")).heartbeat();
        String split = split(work.resolve("secondary.log"));
        deleteTree(work);
        return new DemoResult(millis, heartbeat.timeout(), heartbeat.interval(), split);
    }

    private static String split(Path secondaryLog) throws IOException {
        for (String line : Files.readAllLines(secondaryLog, StandardCharsets.UTF_8)) {
            Matcher m = SPLIT.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new IllegalStateException(secondaryLog + " has no 'failover split' line although the demo failed over");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Ends a child that overruns, so a hung demo cannot hang the bench. */
    private static final class Watchdog {
        static void kill(Process p, Duration after) {
            Thread t = new Thread(() -> {
                try {
                    if (!p.waitFor(after.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroy();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "kemari-bench-watchdog");
            t.setDaemon(true);
            t.start();
        }
    }
}
