package org.kemari.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.pair.PairPhase;
import org.kemari.tap.WitnessLease;

/**
 * Faults other than the primary's death, each on a real pair of processes; every scenario ends
 * by killing the primary, so the checker also proves the fault cost no acknowledged write. A
 * failing scenario leaves its logs in the lab directory its message names.
 */
class PairFaultTest {
    private static final Duration STEP = KillRound.STEP;
    private static final int SLOW_DIRECT_MIB = 160;

    @Test
    @Timeout(600)
    void aPartitionNeverYieldsTwoActiveCopies() throws Exception {
        try (PairLab lab = PairLab.proxied("partition")) {
            protectedPair(lab);
            WitnessLease.Record before = lease(lab);

            lab.proxy().cut();
            lab.awaitPhase("primary", "degraded", STEP);
            lab.awaitPhase("secondary", "taking-over", STEP);
            Set<String> secondaryPhases = watch(lab, "secondary");
            WitnessLease.Record during = lease(lab);

            assertThat(secondaryPhases).as("the secondary while the primary renews").doesNotContain("failed-over");
            assertThat(during.owner()).isEqualTo(before.owner());
            assertThat(during.generation()).isEqualTo(before.generation());
            assertThat(during.counter()).as("the primary kept renewing").isGreaterThan(before.counter());

            lab.proxy().heal();
            reprotected(lab);
            KillRound.Result r = KillRound.killPrimaryAndJudge(lab, "partition healed, then primary killed");

            assertThat(r.problems()).as(lab.dir().toString()).isEmpty();
            lab.discardOnClose();
            assertThat(lease(lab).generation()).as("exactly one takeover").isEqualTo(before.generation() + 1);
            lab.discardOnClose();
        }
    }

    @Test
    @Timeout(600)
    void losingTheSecondaryDegradesThenANewOneReprotects() throws Exception {
        try (PairLab lab = PairLab.open("secondary-loss")) {
            protectedPair(lab);

            lab.kill("secondary");
            lab.awaitPhase("primary", "degraded", STEP);
            long acks = lab.checker().ledger().acknowledged();
            lab.awaitAcks(acks + 50, STEP);

            KillRound.startSecondary(lab);
            reprotected(lab);
            KillRound.Result r = KillRound.killPrimaryAndJudge(lab, "secondary replaced, then primary killed");

            assertThat(r.problems()).as(lab.dir().toString()).isEmpty();
            lab.discardOnClose();
        }
    }

    @Test
    @Timeout(600)
    void witnessStorageOutageHoldsOutputAndLosesNothing() throws Exception {
        try (PairLab lab = PairLab.open("witness-outage")) {
            protectedPair(lab);
            Path storage = lab.pair().witnessDir();
            Path away = storage.resolveSibling("witness.away");

            Files.move(storage, away);
            Files.writeString(storage, "the witness storage is gone\n");
            lab.awaitPhase("primary", "stalled", STEP);
            long held = lab.checker().ledger().acknowledged();
            Set<String> primaryPhases = watch(lab, "primary");
            Set<String> secondaryPhases = watch(lab, "secondary");
            long after = lab.checker().ledger().acknowledged();

            // a release already handed to the backend when the lease lapsed may still complete
            assertThat(after - held).as("acknowledgements while stalled").isLessThanOrEqualTo(2);
            // it used to flap back to "protected" every 100 ms while holding all output
            assertThat(primaryPhases).as("primary status during the outage").containsOnly("stalled");
            assertThat(secondaryPhases).doesNotContain("failed-over", "taking-over");

            Files.delete(storage);
            Files.move(away, storage);
            lab.awaitAcks(after + 50, STEP);
            lab.awaitPhase("primary", "protected", STEP);
            KillRound.Result r = KillRound.killPrimaryAndJudge(lab, "witness outage, then primary killed");

            assertThat(r.problems()).as(lab.dir().toString()).isEmpty();
            lab.discardOnClose();
        }
    }

    @Test
    @Timeout(600)
    void aSlowSecondaryThrottlesThePrimaryWithinBoundedMemory() throws Exception {
        try (PairLab lab = PairLab.proxied("slow-secondary")) {
            // memory for max-in-flight (4) epochs of the 16 MiB guest plus the delta cache, and
            // little more: if back-pressure failed, buffering would run out of it
            protectedPair(lab, "-Xmx128m", "-XX:MaxDirectMemorySize=" + SLOW_DIRECT_MIB + "m");
            long forwarded = lab.proxy().forwarded();

            lab.proxy().delay(25);
            long acks = lab.checker().ledger().acknowledged();
            lab.awaitAcks(acks + 30, STEP);
            Set<String> primaryPhases = watch(lab, "primary");
            lab.proxy().delay(0);

            assertThat(lab.process("primary").isAlive()).as("primary within its memory limit").isTrue();
            assertThat(primaryPhases).as("back-pressure, not a lost secondary").containsOnly("protected");
            assertThat(lab.proxy().forwarded()).as("epochs kept flowing").isGreaterThan(forwarded);
            KillRound.Result r = KillRound.killPrimaryAndJudge(lab, "slow secondary, then primary killed");

            assertThat(r.problems()).as(lab.dir().toString()).isEmpty();
            lab.discardOnClose();
        }
    }

    private static void protectedPair(PairLab lab, String... primaryJvmOptions) throws Exception {
        KillRound.startSecondary(lab);
        lab.start("primary", "protect", primaryJvmOptions);
        lab.awaitPhase("primary", "protected", STEP);
        lab.awaitAcks(20, STEP);
    }

    /** Back to protected with a complete replica on the secondary. */
    private static void reprotected(PairLab lab) throws Exception {
        lab.awaitPhase("primary", "protected", STEP);
        lab.await("secondary", st -> st.phase() == PairPhase.RECEIVING && st.epoch() > 0, "secondary holding a replica", STEP);
        lab.awaitAcks(lab.checker().ledger().acknowledged() + 20, STEP);
    }

    /**
     * Every phase {@code role} publishes during a heartbeat timeout and a lease duration: long
     * enough for a wrong takeover, or a flapping status, to show.
     */
    private static Set<String> watch(PairLab lab, String role) throws InterruptedException {
        Set<String> seen = new LinkedHashSet<>();
        long end = System.nanoTime() + lab.pair().liveness().takeover().toNanos();
        while (System.nanoTime() - end < 0) {
            seen.add(lab.phase(role));
            Thread.sleep(10);
        }
        return seen;
    }

    private static WitnessLease.Record lease(PairLab lab) {
        return new WitnessLease(lab.pair().lease(), "torture-observer", lab.pair().liveness().leaseDuration()).read();
    }
}
