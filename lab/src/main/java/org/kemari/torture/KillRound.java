package org.kemari.torture;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairState;

/**
 * One primary crash, judged from outside: a fresh pair is started, the primary dies (at an armed
 * crash point, or by SIGKILL from here at a chosen moment), and the round checks what an admin
 * would: the secondary failed over if and only if it held a replica, the replica's output
 * continued, and the checker found no acknowledged write missing, no gap, no divergence.
 */
public final class KillRound {
    /**
     * The most one step of a round may take (a daemon up, a phase reached, output seen): only a
     * failing round waits that long. 30 s was too short at a load average of 12-16 on two cores,
     * where a primary took longer than that to start, synchronise and reach its tenth epoch.
     */
    static final Duration STEP = Duration.ofSeconds(120);
    private static final Duration AFTER_FAILOVER_OUTPUT = Duration.ofMillis(300);

    /**
     * @param failoverMillis from the primary's death to the replica's first output; NaN if the pair was not protected
     */
    public record Result(String fault, List<String> problems, long ackedBeforeDeath, long ackedTotal,
                         double failoverMillis, String workDir) {
        public boolean passed() {
            return problems.isEmpty();
        }

        /** Whether the secondary held a replica and failed over (false: the primary died before protection). */
        public boolean failedOver() {
            return !Double.isNaN(failoverMillis);
        }
    }

    private KillRound() {
    }

    /** Crashes the primary at the {@code visit}-th visit of {@code point}. */
    public static Result crashAt(PrimaryCrashPoint point, int visit) throws IOException, InterruptedException {
        String fault = point.point() + ":" + visit;
        try (PairLab lab = PairLab.open("torture")) {
            startSecondary(lab);
            Process primary = lab.start("primary", "protect", point.jvmOption(visit));
            if (!primary.waitFor(STEP.toMillis(), TimeUnit.MILLISECONDS)) {
                return result(lab, fault, List.of("the primary did not reach crash point " + fault + " within "
                        + STEP.toSeconds() + "s"), 0, Double.NaN);
            }
            long diedAt = System.nanoTime();
            if (primary.exitValue() != PairLab.KILLED) {
                return result(lab, fault, List.of("the primary exited with status " + primary.exitValue()
                        + " before crash point " + fault), 0, Double.NaN);
            }
            if (awaitFailoverOrNone(lab, diedAt)) {
                return point.protectedPair() ? afterProtectedDeath(lab, fault, diedAt)
                        : result(lab, fault, List.of("the secondary failed over although the primary died before epoch 1"
                        + " was sent"), lab.checker().ledger().acknowledged(), Double.NaN);
            }
            return afterUnprotectedDeath(lab, point.protectedPair() ? fault + " (before protection)" : fault);
        }
    }

    /**
     * True once the secondary fails over; false if it still holds no committed epoch well after
     * the primary died (the crash came before protection: there is nothing to fail over to).
     * A secondary holding a replica that does not fail over is left to time out as a failure.
     */
    private static boolean awaitFailoverOrNone(PairLab lab, long diedAt) throws InterruptedException {
        long deadline = diedAt + STEP.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<PairState> s = lab.state("secondary");
            if (s.isPresent() && s.get().phase() == PairPhase.FAILED_OVER) {
                return true;
            }
            // a secondary holding a replica has failed over by then
            if (System.nanoTime() - diedAt > lab.pair().liveness().takeoverAfterKill().toNanos() && s.isPresent()
                    && s.get().phase() == PairPhase.RECEIVING && s.get().epoch() == 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** SIGKILLs the primary {@code delay} after it became protected. */
    public static Result killAfter(Duration delay) throws IOException, InterruptedException {
        String fault = "SIGKILL " + delay.toMillis() + "ms after protected";
        try (PairLab lab = PairLab.open("torture")) {
            startSecondary(lab);
            lab.start("primary", "protect");
            lab.awaitPhase("primary", "protected", STEP);
            Thread.sleep(delay.toMillis());
            return killPrimaryAndJudge(lab, fault);
        }
    }

    /** The end of every fault scenario: the primary dies now, and the failover must lose nothing. */
    public static Result killPrimaryAndJudge(PairLab lab, String fault) throws IOException, InterruptedException {
        lab.kill("primary");
        return afterProtectedDeath(lab, fault, System.nanoTime());
    }

    static void startSecondary(PairLab lab) throws IOException, InterruptedException {
        lab.start("secondary", "receive");
        lab.awaitPhase("secondary", "receiving", STEP);
    }

    private static Result afterProtectedDeath(PairLab lab, String fault, long diedAt) throws IOException, InterruptedException {
        long before = lab.checker().ledger().acknowledged();
        List<String> problems = new ArrayList<>();
        double failover = Double.NaN;
        try {
            lab.awaitPhase("secondary", "failed-over", STEP);
            long first = lab.awaitOutputAfter(diedAt, STEP);
            failover = (first - diedAt) / 1e6;
            lab.awaitAcks(lab.checker().ledger().acknowledged() + 1, STEP);
            Thread.sleep(AFTER_FAILOVER_OUTPUT.toMillis());
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        lab.kill("secondary");
        problems.addAll(lab.problems());
        return result(lab, fault, problems, before, failover);
    }

    /**
     * The primary died before the first epoch was acknowledged: there is no replica, so the
     * secondary must not fail over (it would run a half-copied guest). Output released while
     * syncing went to the shared disk directly, so it must still be there.
     */
    private static Result afterUnprotectedDeath(PairLab lab, String fault) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        // long enough for a wrong takeover to show, counted from now: the secondary may have
        // noticed the death late
        long deadline = System.nanoTime() + lab.pair().liveness().takeoverAfterKill().toNanos();
        while (System.nanoTime() - deadline < 0) {
            String phase = lab.phase("secondary");
            if (phase.equals("failed-over") || phase.equals("taking-over")) {
                problems.add("the secondary went " + phase + " without a complete replica");
                break;
            }
            if (!lab.process("secondary").isAlive()) {
                problems.add("the secondary daemon exited (status " + lab.process("secondary").exitValue() + ")");
                break;
            }
            Thread.sleep(20);
        }
        long acked = lab.checker().ledger().acknowledged();
        lab.kill("secondary");
        problems.addAll(lab.problems());
        return result(lab, fault, problems, acked, Double.NaN);
    }

    /** A passed round's work directory is deleted; a failed one's is kept and named in the result. */
    private static Result result(PairLab lab, String fault, List<String> problems, long before, double failover) {
        if (problems.isEmpty()) {
            lab.discardOnClose();
        }
        return new Result(fault, List.copyOf(problems), before, lab.checker().ledger().acknowledged(), failover,
                problems.isEmpty() ? "" : lab.dir().toString());
    }
}
