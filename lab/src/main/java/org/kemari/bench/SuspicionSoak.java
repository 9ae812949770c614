package org.kemari.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kemari.pair.PairPhase;
import org.kemari.torture.DemoPair;
import org.kemari.torture.PairLab;

/**
 * What a short heartbeat timeout costs while nobody dies: the demo's pair (real daemons in child
 * JVMs) is protected, then the machine is loaded for a window and the bench counts the streams
 * the secondary dropped because the primary was silent for a timeout (false suspicions: the
 * primary was alive throughout) and how long the primary was not protected. A dropped stream
 * costs a resynchronisation of the whole guest, with output released unprotected meanwhile only
 * as the pair's degraded policy allows; the witness lease keeps the suspicion from becoming a
 * second running copy.
 */
final class SuspicionSoak {
    static final String NAME = "false suspicions under load";
    private static final Duration STEP_LIMIT = Duration.ofSeconds(60);
    private static final Duration SAMPLE = Duration.ofMillis(20);
    /** How long the initial synchronisation may take under this load before the row says it never finished. */
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(30);
    private static final String LOST = "stream ended: PRIMARY_LOST";
    private static final String SILENCE = LOST + ": no data from";
    /** The secondary's log line once it served the guest after a takeover. */
    private static final String TAKEOVER = "failover split:";

    private SuspicionSoak() {
    }

    /** One row per heartbeat timeout of {@link FailoverBench#TIMEOUTS}. */
    static List<Metric> run(Plan plan) throws Exception {
        List<Metric> rows = new ArrayList<>();
        for (Duration timeout : FailoverBench.TIMEOUTS) {
            String name = NAME + ", heartbeat timeout " + timeout.toMillis() + " ms";
            rows.add(plan.suspicionWindow().isZero()
                    ? Metric.notMeasured(name, "", "not run with --quick (starts two daemons and loads the machine); see the full run")
                    : soak(name, DemoPair.Liveness.forTimeout(timeout), plan.suspicionWindow()));
        }
        return rows;
    }

    private static Metric soak(String name, DemoPair.Liveness liveness, Duration window) throws Exception {
        int spinners = 2 * Runtime.getRuntime().availableProcessors();
        try (PairLab lab = PairLab.open("suspicion", liveness); Load ignored = new Load(spinners)) {
            // loaded from the start: the initial synchronisation is where a stream goes silent longest
            lab.start("secondary", "receive");
            lab.await("secondary", st -> st.phase() == PairPhase.RECEIVING, "secondary listening", STEP_LIMIT);
            lab.start("primary", "protect");
            long syncStart = System.nanoTime();
            Path log = lab.pair().log("secondary");
            if (!protectedWithin(lab, SYNC_LIMIT)) {
                long drops = count(log, SILENCE);
                return Metric.info(name, drops, "dropped streams", String.format(Locale.ROOT,
                        "NEVER PROTECTED: the secondary dropped %d initial synchronisations for silence in %d s%s; "
                                + setting(liveness, spinners) + "; logs in %s", drops, SYNC_LIMIT.toSeconds(),
                        outcomes(log), lab.dir()));
            }
            double syncSeconds = (System.nanoTime() - syncStart) / 1e9;
            long duringSync = count(log, SILENCE);
            long unprotected = 0;
            long end = System.nanoTime() + window.toNanos();
            for (long sampled = System.nanoTime(); sampled - end < 0; ) {
                Thread.sleep(SAMPLE.toMillis());
                long now = System.nanoTime();
                if (!lab.phase("primary").equals(PairPhase.PROTECTED.word())) {
                    // what passed since the last sample, which the load may stretch well past SAMPLE
                    unprotected += now - sampled;
                }
                sampled = now;
            }
            long protectedRun = count(log, SILENCE) - duringSync;
            if (!lab.process("primary").isAlive() || !lab.process("secondary").isAlive()) {
                throw new IllegalStateException(name + ": a daemon exited during the soak; logs in " + lab.dir());
            }
            // the logs of a soak with anything to explain are kept, to see what each side said at the time
            String other = outcomes(log);
            String logs = "";
            if (duringSync + protectedRun == 0 && other.isEmpty()) {
                lab.discardOnClose();
            } else {
                logs = "; logs in " + lab.dir();
            }
            return Metric.info(name, duringSync + protectedRun, "dropped streams", String.format(Locale.ROOT,
                    "streams the secondary dropped for silence: %d before the primary first reported itself protected"
                            + " (after %.1f s), %d in the %d s protected run that followed, during which the primary was"
                            + " not protected for %d ms (sampled every %d ms)%s; " + setting(liveness, spinners) + logs,
                    duringSync, syncSeconds, protectedRun, window.toSeconds(), unprotected / 1_000_000, SAMPLE.toMillis(),
                    other));
        }
    }

    /**
     * What else the secondary's log tells: streams lost otherwise (the primary gave up on its
     * side first) and, worst, a takeover of the live primary's guest, which the witness lease
     * exists to prevent.
     */
    private static String outcomes(Path log) throws IOException {
        long lost = count(log, LOST) - count(log, SILENCE);
        long takeovers = count(log, TAKEOVER);
        return (lost == 0 ? "" : "; " + lost + " stream(s) lost otherwise")
                + (takeovers == 0 ? "" : "; the secondary TOOK OVER " + takeovers + " time(s) although the primary lived");
    }

    private static String setting(DemoPair.Liveness liveness, int spinners) {
        return String.format(Locale.ROOT, "kemari demo's pair, heartbeat every %d ms, lease %d ms, %d busy-looping threads"
                        + " beside it from the start (1-minute load average %.1f at the end); each dropped stream makes the"
                        + " primary resynchronise the whole guest", liveness.heartbeatInterval().toMillis(),
                liveness.leaseDuration().toMillis(), spinners, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static boolean protectedWithin(PairLab lab, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (lab.phase("primary").equals(PairPhase.PROTECTED.word())) {
                return true;
            }
            if (!lab.process("primary").isAlive() || !lab.process("secondary").isAlive()) {
                throw new IllegalStateException("a daemon exited before the guest was protected; logs in " + lab.dir());
            }
            Thread.sleep(SAMPLE.toMillis());
        }
        return false;
    }

    /** Lines of the secondary's log that contain {@code what}. */
    private static long count(Path log, String what) throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(what)).count();
        }
    }

    /** Threads that keep every cpu busy until closed. */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Load(int count) {
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(this::spin, "kemari-bench-load-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        private void spin() {
            long x = 1;
            while (!stop.get()) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
            if (x == 0) {
                // never: keeps the loop from being optimised away
                throw new AssertionError();
            }
        }

        @Override
        public void close() {
            stop.set(true);
        }
    }
}
