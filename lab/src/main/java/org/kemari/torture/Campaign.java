package org.kemari.torture;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Many primary kills in a row ({@code kemari torture}): round i crashes the primary at crash
 * point i mod (points + 1), the extra slot being a SIGKILL at a random moment; visits and
 * moments come from a seeded generator, so a failing round can be re-run exactly. Prints one
 * line per round and a summary with the failover latency percentiles.
 */
public final class Campaign {
    private static final int MAX_RANDOM_KILL_MILLIS = 3000;

    private final PrintStream out;
    private final long seed;

    public Campaign(PrintStream out, long seed) {
        this.out = out;
        this.seed = seed;
    }

    /** @return the rounds that lost something or failed to fail over (empty: all passed) */
    public List<KillRound.Result> run(int rounds) throws IOException, InterruptedException {
        Random random = new Random(seed);
        PrimaryCrashPoint[] points = PrimaryCrashPoint.values();
        List<KillRound.Result> failed = new ArrayList<>();
        List<Double> failovers = new ArrayList<>();
        long acked = 0;
        out.println("kemari torture: " + rounds + " rounds, seed " + seed);
        for (int i = 0; i < rounds; i++) {
            int slot = i % (points.length + 1);
            KillRound.Result r;
            if (slot == points.length) {
                r = KillRound.killAfter(Duration.ofMillis(random.nextInt(MAX_RANDOM_KILL_MILLIS)));
            } else {
                PrimaryCrashPoint p = points[slot];
                // steady-state points: anywhere from the default visit to four times it
                int visit = p.protectedPair() ? p.defaultVisit() + random.nextInt(3 * p.defaultVisit()) : p.defaultVisit();
                r = KillRound.crashAt(p, visit);
            }
            acked += r.ackedTotal();
            if (r.failedOver()) {
                failovers.add(r.failoverMillis());
            }
            out.printf("round %d/%d: %s: %s, %d writes acknowledged%s%n", i + 1, rounds, r.fault(),
                    r.passed() ? "PASS" : "FAIL", r.ackedTotal(),
                    r.failedOver() ? String.format(", failover %.0f ms", r.failoverMillis()) : ", no replica: no failover");
            if (!r.passed()) {
                failed.add(r);
                r.problems().forEach(p -> out.println("  LOST: " + p));
                out.println("  logs kept in " + r.workDir());
            }
        }
        out.printf("kemari torture: %d rounds, %d failed, %d acknowledged writes checked; failover p50 %s, p99 %s, max %s (%d failovers)%n",
                rounds, failed.size(), acked, percentile(failovers, 50), percentile(failovers, 99), percentile(failovers, 100),
                failovers.size());
        return failed;
    }

    static String percentile(List<Double> values, int p) {
        if (values.isEmpty()) {
            return "-";
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return String.format("%.0f ms", sorted[Math.max(0, Math.min(sorted.length - 1, rank))]);
    }
}
