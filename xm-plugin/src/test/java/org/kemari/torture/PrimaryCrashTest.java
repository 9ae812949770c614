package org.kemari.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The primary dies at every crash point, and once at a random moment; nothing acknowledged may be lost. */
class PrimaryCrashTest {
    @ParameterizedTest
    @EnumSource(PrimaryCrashPoint.class)
    @Timeout(600)
    void crashAtEveryPoint(PrimaryCrashPoint point) throws Exception {
        KillRound.Result r = KillRound.crashAt(point, point.defaultVisit());

        assertThat(r.problems()).as("%s (logs kept in %s)", r.fault(), r.workDir()).isEmpty();
        if (point.protectedPair()) {
            assertThat(r.failedOver()).as("%s: the pair was protected and failed over", r.fault()).isTrue();
            assertThat(r.ackedTotal()).as("output continued on the replica").isGreaterThan(r.ackedBeforeDeath());
        } else {
            assertThat(r.failedOver()).as("%s: no replica, no failover", r.fault()).isFalse();
        }
    }

    @Test
    @Timeout(600)
    void sigkillAtARandomMoment() throws Exception {
        long seed = TestSeed.of("PrimaryCrashTest.sigkillAtARandomMoment");
        Duration delay = Duration.ofMillis(50 + new Random(seed).nextInt(1500));

        KillRound.Result r = KillRound.killAfter(delay);

        assertThat(r.problems()).as("%s (seed %d; logs kept in %s)", r.fault(), seed, r.workDir()).isEmpty();
        assertThat(r.ackedTotal()).isGreaterThan(r.ackedBeforeDeath());
    }
}
