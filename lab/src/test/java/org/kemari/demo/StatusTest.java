package org.kemari.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairRole;
import org.kemari.pair.PairState;

class StatusTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aRunningDaemonShowsWhatItPublished() {
        ProcessHandle me = ProcessHandle.current();
        PairState s = state(me.pid(), me.info().startInstant().orElseThrow());

        assertThat(Status.describe(Optional.of(s))).isEqualTo("protected epoch 42");
    }

    @Test
    @Timeout(30)
    void aKilledDaemonIsShownDeadNotAsItsLastPhase() throws Exception {
        Process child = new ProcessBuilder("true").start();
        Instant started = child.info().startInstant().orElse(T0);
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(Status.describe(Optional.of(state(child.pid(), started))))
                .isEqualTo("DEAD (pid " + child.pid() + " gone, last said protected epoch 42)");
    }

    @Test
    void noStateYetIsADash() {
        assertThat(Status.describe(Optional.empty())).isEqualTo("-");
    }

    private static PairState state(long pid, Instant started) {
        return new PairState("demo", PairRole.PRIMARY, pid, started, "demo-guest", "127.0.0.1:7002", PairPhase.PROTECTED, 42, T0);
    }
}
