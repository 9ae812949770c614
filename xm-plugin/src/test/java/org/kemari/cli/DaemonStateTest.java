package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.kemari.pair.StateDir;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairState;
import org.kemari.pair.PairRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageSummary;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DaemonStateTest {
    private static final Instant T0 = Instant.parse("2026-11-22T04:00:00Z");

    @TempDir
    Path dir;

    private StateDir state() {
        return new StateDir(dir);
    }

    private Run kemari(String... args) {
        return Run.of(Engine.NONE, dir, args);
    }

    private static PairState stateOf(String pair, PairRole role, ProcessHandle p) {
        return new PairState(pair, role, p.pid(), p.info().startInstant().orElseThrow(), "web1", "b:8102",
                PairPhase.PROTECTED, 42, T0);
    }

    @Test
    void stateRoundTripsThroughTheFile() {
        PairState s = stateOf("web1", PairRole.SECONDARY, ProcessHandle.current());
        state().write(s);
        assertThat(state().read("web1")).contains(s);
        assertThat(state().pairs()).containsExactly("web1");
    }

    @Test
    void statusReportsALiveDaemon() {
        state().write(stateOf("web1", PairRole.PRIMARY, ProcessHandle.current()));
        Run r = kemari("status", "--pair", "web1", "--json");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("{\"schema\":1,\"pair\":\"web1\",\"role\":\"primary\",\"stale\":false,\"pid\":"
                + ProcessHandle.current().pid() + ",\"domain\":\"web1\",\"peer\":\"b:8102\",\"phase\":\"protected\","
                + "\"epoch\":42,\"updated\":\"2026-11-22T04:00:00Z\"}\n");
        assertThat(kemari("status").out()).startsWith("web1: primary, pid " + ProcessHandle.current().pid());
        assertThat(kemari("status", "--json").out()).startsWith("{\"schema\":1,\"pairs\":[{\"schema\":1,\"pair\":\"web1\"");
    }

    @Test
    void statusOfAPairWithoutStateIsStopped() {
        assertThat(kemari("status", "--pair", "web1", "--json").out())
                .isEqualTo("{\"schema\":1,\"pair\":\"web1\",\"role\":\"stopped\",\"stale\":false}\n");
        assertThat(kemari("status").out()).startsWith("no pairs running on this host");
    }

    @Test
    void aDeadDaemonIsStoppedAndStaleAndUnprotectClearsIt() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        state().write(new PairState("web1", PairRole.SECONDARY, gone.pid(), T0, "web1", "b:8102", PairPhase.RECEIVING, -1, T0));

        assertThat(kemari("status", "--pair", "web1", "--json").out()).contains("\"role\":\"stopped\",\"stale\":true");
        Run r = kemari("unprotect", "--pair", "web1");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("removed stale state");
        assertThat(state().read("web1")).isEmpty();
    }

    @Test
    void anExitedProcessIsNotRunning() throws Exception {
        Process child = new ProcessBuilder("true").start();
        ProcessHandle h = child.toHandle();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(StateDir.running(h.pid())).isFalse();
        assertThat(StateDir.running(ProcessHandle.current().pid())).isTrue();
    }

    @Test
    void aRecycledPidIsNotMistakenForTheDaemon() {
        ProcessHandle me = ProcessHandle.current();
        state().write(new PairState("web1", PairRole.PRIMARY, me.pid(), T0.minusSeconds(86_400), "web1", "b", PairPhase.PROTECTED, 1, T0));
        assertThat(StateDir.alive(state().read("web1").orElseThrow())).isFalse();
    }

    @Test
    @Timeout(30)
    void unprotectStopsARunningDaemon() throws Exception {
        Process daemon = new ProcessBuilder("sleep", "60").start();
        try {
            state().write(stateOf("web1", PairRole.PRIMARY, daemon.toHandle()));
            Run r = kemari("unprotect", "--pair", "web1");

            assertThat(r.code()).isZero();
            assertThat(r.out()).isEqualTo("kemari: unprotect: web1 stopped (was primary, pid " + daemon.pid() + ")\n");
            assertThat(daemon.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(state().read("web1")).isEmpty();
        } finally {
            daemon.destroyForcibly();
        }
    }

    @Test
    void unprotectOfNothingSucceedsAndNeedsAPair() {
        assertThat(kemari("unprotect", "--pair", "web1").out()).isEqualTo("kemari: unprotect: web1 is not running here\n");
        Run r = kemari("unprotect");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errorLine()).isEqualTo("kemari: unprotect: which pair? give --pair <name> or --config <file>");
    }

    @Test
    void corruptStateIsReportedWithItsPath() throws IOException {
        Files.writeString(dir.resolve("web1.state"), "pair=web1\nrole=primary\n");
        Run r = kemari("status", "--pair", "web1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.errorLine()).startsWith("kemari: status: corrupt state file " + dir.resolve("web1.state"));
    }

    @Test
    void foregroundDaemonPublishesProgressAndCleansUp() {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        PairState initial = Daemon.initialState("web1", PairRole.PRIMARY, "web1", "b:8102", clock);
        AtomicReference<PairState> seen = new AtomicReference<>();

        ExitCode code = Daemon.foreground(state(), initial, clock, control -> {
            control.report(PairPhase.PROTECTED, 7);
            seen.set(state().read("web1").orElseThrow());
            return ExitCode.FAILED_OVER;
        });

        assertThat(code).isEqualTo(ExitCode.FAILED_OVER);
        assertThat(seen.get().phase()).isEqualTo(PairPhase.PROTECTED);
        assertThat(seen.get().epoch()).isEqualTo(7);
        assertThat(StateDir.alive(seen.get())).isTrue();
        assertThat(state().read("web1")).isEmpty();
    }

    @Test
    void statusShowsTheTimingsALiveDaemonPublishesAtMostEverySecond() {
        MovableClock clock = new MovableClock(T0);
        PairState initial = Daemon.initialState("web1", PairRole.PRIMARY, "web1", "b:8102", clock);
        EpochTimings first = new EpochTimings(3, 30, 4096, List.of(
                new StageSummary(Stage.COPY, 3, 1_500_000, 3, 400_000, 600_000, 600_000, 600_000)));
        EpochTimings soon = new EpochTimings(4, 40, 8192, List.of());
        List<String> out = new ArrayList<>();

        Daemon.foreground(state(), initial, clock, control -> {
            control.report(PairPhase.PROTECTED, 3);
            control.timings(() -> first);
            clock.advance(DaemonControl.TIMINGS_PERIOD.minusMillis(1));
            control.timings(() -> {
                throw new AssertionError("summed up within a period of the last publication");
            });
            out.add(kemari("status", "--pair", "web1", "--json").out());
            out.add(kemari("status", "--pair", "web1").out());
            clock.advance(Duration.ofMillis(1));
            control.timings(() -> soon);
            out.add(kemari("status", "--pair", "web1", "--json").out());
            return ExitCode.OK;
        });

        assertThat(out.get(0)).endsWith(",\"timings\":{\"epochs\":3,\"pages\":30,\"bytes\":4096,\"stages\":{\"copy\":"
                + "{\"count\":3,\"window\":3,\"p50_ns\":400000,\"p90_ns\":600000,\"p99_ns\":600000,\"max_ns\":600000,"
                + "\"sum_ns\":1500000}}}}\n");
        assertThat(out.get(1)).endsWith("\n  stages, ms p50/p99 of the last epochs: copy 0.400/0.600\n");
        assertThat(out.get(2)).contains("\"timings\":{\"epochs\":4,\"pages\":40,\"bytes\":8192,\"stages\":{}}");
        assertThat(dir.resolve("web1.prom")).as("gone with the daemon").doesNotExist();
    }

    /** The engine reports every 50-100 ms; the state file is rewritten on a change, else once a refresh period. */
    @Test
    void anUnchangedPhaseAndEpochAreWrittenAgainOnlyOncePerRefreshPeriod() {
        MovableClock clock = new MovableClock(T0);
        PairState initial = Daemon.initialState("web1", PairRole.PRIMARY, "web1", "b:8102", clock);
        List<Instant> updated = new ArrayList<>();

        Daemon.foreground(state(), initial, clock, control -> {
            control.report(PairPhase.PROTECTED, 3);
            updated.add(state().read("web1").orElseThrow().updated());
            clock.advance(DaemonControl.REFRESH_PERIOD.minusMillis(1));
            control.report(PairPhase.PROTECTED, 3);
            updated.add(state().read("web1").orElseThrow().updated());
            clock.advance(Duration.ofMillis(1));
            control.report(PairPhase.PROTECTED, 3);
            updated.add(state().read("web1").orElseThrow().updated());
            clock.advance(Duration.ofMillis(10));
            control.report(PairPhase.PROTECTED, 4);
            updated.add(state().read("web1").orElseThrow().updated());
            clock.advance(Duration.ofMillis(10));
            control.report(PairPhase.DEGRADED, 4);
            updated.add(state().read("web1").orElseThrow().updated());
            assertThat(state().read("web1").orElseThrow().phase()).isEqualTo(PairPhase.DEGRADED);
            return ExitCode.OK;
        });

        Instant refreshed = T0.plus(DaemonControl.REFRESH_PERIOD);
        assertThat(updated).containsExactly(T0, T0, refreshed, refreshed.plusMillis(10), refreshed.plusMillis(20));
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aSecondDaemonForALivePairIsRefused() {
        Clock clock = Clock.systemUTC();
        state().write(stateOf("web1", PairRole.SECONDARY, ProcessHandle.current()));
        PairState initial = Daemon.initialState("web1", PairRole.PRIMARY, "web1", "b:8102", clock);

        assertThatThrownBy(() -> Daemon.foreground(state(), initial, clock, c -> ExitCode.OK))
                .isInstanceOf(CliException.class)
                .hasMessage("pair 'web1' is already served by pid " + ProcessHandle.current().pid()
                        + " as secondary (stop it with 'kemari unprotect --pair web1')");
    }
}
