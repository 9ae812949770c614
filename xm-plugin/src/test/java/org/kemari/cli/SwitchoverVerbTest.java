package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairRole;
import org.kemari.tap.WitnessLease;
import org.kemari.torture.PairLab;

/**
 * `kemari switchover` with the real daemons on the simulator: the guest moves to the secondary
 * with nothing acknowledged lost, and the old primary, started again as a receiver, becomes its
 * secondary. Judged by the checker, as the torture scenarios are.
 */
class SwitchoverVerbTest {
    private static final Duration STEP = Duration.ofSeconds(90);

    @Test
    @Timeout(300)
    void theGuestMovesToTheSecondaryAndTheOldPrimaryBecomesItsSecondary() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        try (PairLab lab = PairLab.open("switchover")) {
            protectedPair(lab);
            WitnessLease.Record held = lease(lab);
            long before = lab.checker().ledger().acknowledged();

            long asked = System.nanoTime();
            Run r = Run.of(Main.engine(), lab.pair().stateDir("primary"), "switchover", "--config", lab.pair().config("primary").toString());

            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK.code());
            assertThat(r.err()).contains("handed over to");
            assertThat(lab.process("primary").waitFor(30, TimeUnit.SECONDS)).as("the old primary's daemon ends").isTrue();
            assertThat(lab.process("primary").exitValue()).isZero();
            lab.ended("primary");
            lab.awaitPhase("secondary", "failed-over", STEP);
            lab.awaitOutputAfter(asked, STEP);
            lab.awaitAcks(before + 20, STEP);
            WitnessLease.Record taken = lease(lab);
            assertThat(taken.generation()).as("the secondary took the released lease").isEqualTo(held.generation() + 1);
            assertThat(taken.owner()).isNotEqualTo(held.owner());
            assertThat(Files.readString(lab.pair().log("primary"))).contains("handed over to").contains("witness lease released");
            assertThat(Files.readString(lab.pair().log("secondary"))).contains("the primary handed the guest over");

            lab.pair().returnPrimaryAsSecondary();
            lab.start("primary", "receive");
            lab.await("secondary", st -> st.role() == PairRole.PRIMARY && st.phase() == PairPhase.PROTECTED,
                    "the new primary protecting the guest to the old one", STEP);
            lab.await("primary", st -> st.phase() == PairPhase.RECEIVING && st.epoch() > 0, "the old primary holding a replica", STEP);
            lab.awaitAcks(lab.checker().ledger().acknowledged() + 20, STEP);
            lab.kill("secondary");
            lab.kill("primary");

            assertThat(lab.problems()).as(lab.dir().toString()).isEmpty();
            lab.discardOnClose();
        }
    }

    @Test
    @Timeout(120)
    void refusedWhileNoSecondaryHoldsAReplica() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        try (PairLab lab = PairLab.open("switchover-alone")) {
            lab.start("primary", "protect");
            lab.awaitPhase("primary", "degraded", STEP);

            Run r = Run.of(Main.engine(), lab.pair().stateDir("primary"), "switchover", "--config", lab.pair().config("primary").toString());

            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FAILURE.code());
            assertThat(r.errorLine()).isEqualTo("kemari: switchover: demo: switchover refused: the pair is degraded, not protected:"
                    + " no secondary holds a replica to hand the guest to");
            assertThat(lab.process("primary").isAlive()).as("the guest runs on").isTrue();
            lab.discardOnClose();
        }
    }

    private static void protectedPair(PairLab lab) throws Exception {
        lab.start("secondary", "receive");
        lab.awaitPhase("secondary", "receiving", STEP);
        lab.start("primary", "protect");
        lab.awaitPhase("primary", "protected", STEP);
        lab.awaitAcks(20, STEP);
    }

    private static WitnessLease.Record lease(PairLab lab) {
        return new WitnessLease(lab.pair().lease(), "test-observer", lab.pair().liveness().leaseDuration()).read();
    }
}
