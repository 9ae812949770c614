package org.kemari.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairRole;
import org.kemari.tap.WitnessLease;

/**
 * After a failover the surviving daemon protects the guest back to the other host as soon as a
 * receiver runs there again, with no operator command; a second host death, in the other
 * direction, then loses nothing either. Real processes on the simulator backend, judged by the
 * checker as every torture scenario is.
 */
class ReprotectionTest {
    private static final Duration STEP = KillRound.STEP;

    @Test
    @Timeout(600)
    void aFailedOverGuestIsProtectedAgainWhenItsOldHostReturnsThenSurvivesASecondDeath() throws Exception {
        try (PairLab lab = PairLab.open("reprotect")) {
            KillRound.startSecondary(lab);
            lab.start("primary", "protect");
            lab.awaitPhase("primary", "protected", STEP);
            lab.awaitAcks(20, STEP);

            long firstDeath = System.nanoTime();
            lab.kill("primary");
            lab.awaitPhase("secondary", "failed-over", STEP);
            lab.awaitOutputAfter(firstDeath, STEP);
            WitnessLease.Record takenOver = lease(lab);
            assertThat(lab.state("secondary").orElseThrow().role()).as("unprotected until a receiver returns").isEqualTo(PairRole.SECONDARY);
            assertThat(java.nio.file.Files.readString(lab.pair().log("secondary")))
                    .as("the secondary's own account of the failover").containsPattern("failover split: detection [0-9.]+ ms .*"
                            + " lease [0-9.]+ ms, switch to serving [0-9.]+ ms, device model [0-9.]+ ms, device re-attach [0-9.]+ ms, unpause [0-9.]+ ms; [0-9.]+ ms in all");

            // the old host comes back as a receiver on its own endpoint
            lab.pair().returnPrimaryAsSecondary();
            lab.start("primary", "receive");
            lab.await("secondary", st -> st.role() == PairRole.PRIMARY && st.phase() == PairPhase.PROTECTED,
                    "the failed-over daemon protecting the guest again", STEP);
            lab.await("primary", st -> st.phase() == PairPhase.RECEIVING && st.epoch() > 0, "the returned host holding a replica", STEP);
            long acks = lab.checker().ledger().acknowledged();
            lab.awaitAcks(acks + 20, STEP);
            assertThat(lease(lab)).as("re-protection keeps the lease taken at failover").extracting(WitnessLease.Record::owner,
                    WitnessLease.Record::generation).containsExactly(takenOver.owner(), takenOver.generation());

            long secondDeath = System.nanoTime();
            long before = lab.checker().ledger().acknowledged();
            lab.kill("secondary");
            lab.awaitPhase("primary", "failed-over", STEP);
            lab.awaitOutputAfter(secondDeath, STEP);
            lab.awaitAcks(before + 20, STEP);
            lab.kill("primary");

            assertThat(lease(lab).generation()).as("one takeover per death").isEqualTo(takenOver.generation() + 1);
            assertThat(lab.problems()).as(lab.dir().toString()).isEmpty();
            lab.discardOnClose();
        }
    }

    private static WitnessLease.Record lease(PairLab lab) {
        return new WitnessLease(lab.pair().lease(), "torture-observer", lab.pair().liveness().leaseDuration()).read();
    }
}
