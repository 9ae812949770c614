package org.kemari.demo;

import org.kemari.torture.DemoPair;
import org.kemari.pair.EngineException;
import org.kemari.pair.PairPhase;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.kemari.check.CheckerServer;
import org.kemari.torture.PairLab;

/**
 * `kemari demo`: the whole story on one machine. A primary and a secondary run as separate
 * processes, each an embedded simulated host; the guest on the primary writes self-describing
 * blocks to a shared disk image and acknowledges each to a checker outside the pair. Mid-run the
 * primary is killed with SIGKILL; the secondary takes the witness lease, replays the unanswered
 * requests and resumes the guest. The checker then judges: every acknowledged write on disk,
 * output continuing with no gap and no divergence. Exits non-zero if anything was lost.
 */
public final class Demo {
    private static final Duration PROTECTED_RUN = Duration.ofSeconds(4);
    private static final Duration AFTER_FAILOVER = Duration.ofSeconds(3);
    private static final Duration STEP_LIMIT = Duration.ofSeconds(60);

    private final PrintStream out;
    private final DemoPair.Liveness liveness;

    /** @param liveness how soon each side of the pair presumes the other gone */
    public Demo(PrintStream out, DemoPair.Liveness liveness) {
        this.out = out;
        this.liveness = liveness;
    }

    /** Runs the demo; true when the checker's verdict is PASS. */
    public boolean run() {
        try (PairLab lab = PairLab.open("demo", liveness)) {
            DemoPair pair = lab.pair();
            CheckerServer checker = lab.checker();
            out.println("kemari demo: work dir " + lab.dir());
            out.println("kemari demo: checker listening on " + checker.address() + " (outside the pair)");
            out.println("kemari demo: heartbeat every " + liveness.heartbeatInterval().toMillis() + " ms, primary presumed dead after "
                    + liveness.heartbeatTimeout().toMillis() + " ms of silence, witness lease " + liveness.leaseDuration().toMillis() + " ms");

            start(lab, "secondary", "receive");
            lab.await("secondary", st -> st.phase() == PairPhase.RECEIVING, "secondary listening", STEP_LIMIT);
            Process primary = start(lab, "primary", "protect");
            lab.await("primary", st -> st.phase() == PairPhase.PROTECTED, "primary protected", STEP_LIMIT);
            out.println("kemari demo: initial synchronisation done; the guest is protected");

            Status status = new Status(out, pair, checker);
            status.runFor(PROTECTED_RUN);
            long acksBefore = checker.ledger().acknowledged();
            if (acksBefore == 0) {
                throw new EngineException(EngineException.Kind.FAILURE, "the guest acknowledged no write in " + PROTECTED_RUN.toSeconds()
                        + "s; see " + pair.log("primary"));
            }
            status.newline();
            out.println("kemari demo: SIGKILL primary (pid " + primary.pid() + ") after " + acksBefore + " acknowledged writes");
            long killedAt = System.nanoTime();
            lab.kill("primary");

            lab.await("secondary", st -> st.phase() == PairPhase.FAILED_OVER, "failover", STEP_LIMIT);
            long firstOutput = lab.awaitOutputAfter(killedAt, STEP_LIMIT);
            out.printf("kemari demo: failed over; first guest output from the replica %.0f ms after the kill%n",
                    (firstOutput - killedAt) / 1e6);
            status.runFor(AFTER_FAILOVER);
            status.newline();
            Process secondary = lab.process("secondary");
            secondary.destroy();
            secondary.waitFor();
            return verdict(lab, acksBefore);
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "demo: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean verdict(PairLab lab, long acksBefore) throws IOException {
        CheckerServer checker = lab.checker();
        DemoPair pair = lab.pair();
        List<String> problems = new ArrayList<>(lab.problems());
        long total = checker.ledger().acknowledged();
        if (total <= acksBefore) {
            problems.add("the replica produced no new output after the failover (" + total + " acknowledged writes in all)");
        }
        out.println("kemari demo: checker: " + total + " acknowledged writes (" + acksBefore + " before the kill, "
                + (total - acksBefore) + " after), " + checker.ledger().duplicates() + " replayed duplicate(s), "
                + checker.ledger().lastAckPerBlock().size() + " blocks audited on " + pair.disk());
        if (problems.isEmpty()) {
            out.println("kemari demo: VERDICT: PASS: nothing acknowledged was lost; output continued without gap or divergence");
            return true;
        }
        problems.forEach(p -> out.println("kemari demo: LOST: " + p));
        out.println("kemari demo: VERDICT: FAIL (" + problems.size() + " problem(s)); logs in " + pair.dir());
        return false;
    }

    private Process start(PairLab lab, String role, String verb) throws IOException {
        Process p = lab.start(role, verb);
        out.println("kemari demo: started " + role + " (pid " + p.pid() + "): kemari " + verb + "; log " + lab.pair().log(role));
        return p;
    }
}
