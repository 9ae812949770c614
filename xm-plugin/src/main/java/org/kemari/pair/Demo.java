package org.kemari.pair;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kemari.check.CheckerServer;
import org.kemari.check.DiskAudit;
import org.kemari.cli.CliException;
import org.kemari.cli.ExitCode;
import org.kemari.cli.Invocation;
import org.kemari.cli.PairState;
import org.kemari.cli.StateDir;

/**
 * `kemari demo`: the whole story on one machine. A primary and a secondary run as separate
 * processes, each an embedded simulated host; the guest on the primary writes self-describing
 * blocks to a shared disk image and acknowledges each to a checker outside the pair. Mid-run the
 * primary is killed with SIGKILL; the secondary takes the witness lease, replays the unanswered
 * requests and resumes the guest. The checker then judges: every acknowledged write on disk,
 * output continuing with no gap and no divergence. Exits non-zero if anything was lost.
 */
final class Demo {
    private static final Duration PROTECTED_RUN = Duration.ofSeconds(4);
    private static final Duration AFTER_FAILOVER = Duration.ofSeconds(3);
    private static final Duration STEP_LIMIT = Duration.ofSeconds(60);

    private final Invocation in;
    private final PrintStream out;
    private final List<Process> children = new ArrayList<>();

    Demo(Invocation in) {
        this.in = in;
        this.out = in.out();
    }

    ExitCode run() {
        Path work = null;
        Thread reaper = new Thread(this::killAll, "kemari-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(reaper);
        try (CheckerServer checker = new CheckerServer()) {
            work = Files.createTempDirectory("kemari-demo-");
            DemoPair pair = DemoPair.write(work, freePort(), freePort(), checker.address());
            out.println("kemari demo: work dir " + work);
            out.println("kemari demo: checker listening on " + checker.address() + " (outside the pair)");

            Process secondary = start("secondary", pair, "receive");
            await(pair.secondaryState(), st -> st.phase().equals(PairPhase.RECEIVING.word()), "secondary listening");
            Process primary = start("primary", pair, "protect");
            await(pair.primaryState(), st -> st.phase().equals(PairPhase.PROTECTED.word()), "primary protected");
            out.println("kemari demo: initial synchronisation done; the guest is protected");

            Status status = new Status(out, pair, checker);
            status.runFor(PROTECTED_RUN);
            long acksBefore = checker.ledger().acknowledged();
            if (acksBefore == 0) {
                throw new CliException(ExitCode.FAILURE, "the guest acknowledged no write in " + PROTECTED_RUN.toSeconds()
                        + "s; see " + pair.log("primary"));
            }
            status.newline();
            out.println("kemari demo: SIGKILL primary (pid " + primary.pid() + ") after " + acksBefore + " acknowledged writes");
            long killedAt = System.nanoTime();
            primary.destroyForcibly();
            primary.waitFor();

            await(pair.secondaryState(), st -> st.phase().equals(PairPhase.FAILED_OVER.word()), "failover");
            long firstOutput = awaitOutputAfter(checker, killedAt);
            out.printf("kemari demo: failed over; first guest output from the replica %.0f ms after the kill%n",
                    (firstOutput - killedAt) / 1e6);
            status.runFor(AFTER_FAILOVER);
            status.newline();
            secondary.destroy();
            secondary.waitFor();
            return verdict(checker, pair, acksBefore);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "demo: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        } finally {
            killAll();
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    private ExitCode verdict(CheckerServer checker, DemoPair pair, long acksBefore) throws IOException {
        List<String> problems = new ArrayList<>(checker.ledger().violations());
        problems.addAll(checker.malformed());
        problems.addAll(DiskAudit.audit(pair.disk(), checker.ledger().lastAckPerBlock()));
        long total = checker.ledger().acknowledged();
        if (total <= acksBefore) {
            problems.add("the replica produced no new output after the failover (" + total + " acknowledged writes in all)");
        }
        out.println("kemari demo: checker: " + total + " acknowledged writes (" + acksBefore + " before the kill, "
                + (total - acksBefore) + " after), " + checker.ledger().duplicates() + " replayed duplicate(s), "
                + checker.ledger().lastAckPerBlock().size() + " blocks audited on " + pair.disk());
        if (problems.isEmpty()) {
            out.println("kemari demo: VERDICT: PASS: nothing acknowledged was lost; output continued without gap or divergence");
            return ExitCode.OK;
        }
        problems.forEach(p -> out.println("kemari demo: LOST: " + p));
        out.println("kemari demo: VERDICT: FAIL (" + problems.size() + " problem(s)); logs in " + pair.dir());
        return ExitCode.FAILURE;
    }

    private Process start(String role, DemoPair pair, String verb) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.kemari.cli.Main");
        cmd.add(verb);
        cmd.add("--config");
        cmd.add(pair.config().toString());
        cmd.add("--state-dir");
        cmd.add(pair.stateDir(role).toString());
        cmd.add("-e");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(pair.log(role).toFile());
        Process p = pb.start();
        synchronized (children) {
            children.add(p);
        }
        out.println("kemari demo: started " + role + " (pid " + p.pid() + "): kemari " + verb + "; log " + pair.log(role));
        return p;
    }

    private interface Condition {
        boolean holds(PairState state);
    }

    private void await(Path stateDir, Condition c, String what) throws InterruptedException {
        StateDir dir = new StateDir(stateDir);
        long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<PairState> st = dir.read(DemoPair.NAME);
            if (st.isPresent() && c.holds(st.get())) {
                return;
            }
            synchronized (children) {
                for (Process p : children) {
                    if (!p.isAlive() && p.exitValue() != 137) {
                        throw new CliException(ExitCode.FAILURE, "demo: waiting for " + what + ": pid " + p.pid()
                                + " exited with status " + p.exitValue() + "; see the logs in " + stateDir.getParent());
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new CliException(ExitCode.FAILURE, "demo: no " + what + " within " + STEP_LIMIT.toSeconds()
                + "s; see the logs in " + stateDir.getParent());
    }

    private static long awaitOutputAfter(CheckerServer checker, long since) throws InterruptedException {
        long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            long last = checker.lastAckNanos();
            if (last - since > 0) {
                return last;
            }
            Thread.sleep(1);
        }
        throw new CliException(ExitCode.FAILURE, "demo: the replica sent no output within " + STEP_LIMIT.toSeconds() + "s");
    }

    private void killAll() {
        synchronized (children) {
            for (Process p : children) {
                p.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }
}
