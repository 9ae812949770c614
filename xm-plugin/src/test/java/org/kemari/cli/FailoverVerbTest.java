package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairState;
import org.kemari.pair.PairRole;
import org.kemari.pair.StateDir;
import org.kemari.torture.PairLab;

/**
 * `kemari failover`: the request file it leaves for the receive daemon, the refusal file the
 * daemon answers with, and the exit codes (7 when the replica runs here, 1 when refused or when
 * there is no receive daemon), against a stand-in daemon and against a real pair whose primary
 * still holds the witness lease.
 */
class FailoverVerbTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path cfg = dir.resolve("web1.yaml");
        Files.writeString(cfg, "domain: web1\nprimary: a\nsecondary: b\nbackend: sim\nunsafe: true\n"
                + "security: {insecure: true}\n");
        return cfg;
    }

    private StateDir states() {
        return new StateDir(dir.resolve("state"));
    }

    private void daemonIn(PairPhase phase) {
        states().write(new PairState("web1", PairRole.SECONDARY, ProcessHandle.current().pid(), T0, "web1", "a:8102", phase, 5, T0));
    }

    private Run failover() throws Exception {
        return Run.of(Main.engine(), dir.resolve("state"), "failover", "--config", config().toString());
    }

    /** Plays the receive daemon's part: waits for the request file, then {@code answer}s. */
    private Thread standIn(ThrowingRunnable answer) {
        Thread t = new Thread(() -> {
            Path request = dir.resolve("state/web1.failover");
            try {
                while (!Files.exists(request)) {
                    Thread.sleep(10);
                }
                answer.run();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void withoutAReceiveDaemonFailoverFails() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        Run r = failover();
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(r.errorLine()).isEqualTo("kemari: failover: web1: no receive daemon with a replica on this host");
        assertThat(dir.resolve("state/web1.failover")).doesNotExist();
    }

    @Test
    @Timeout(30)
    void aServedRequestExitsFailedOver() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        daemonIn(PairPhase.RECEIVING);
        Thread daemon = standIn(() -> {
            Files.delete(dir.resolve("state/web1.failover"));
            daemonIn(PairPhase.TAKING_OVER);
            Thread.sleep(100);
            daemonIn(PairPhase.FAILED_OVER);
        });
        Run r = failover();
        daemon.join(5000);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FAILED_OVER.code());
        assertThat(r.err()).contains("kemari: failover: web1: the replica runs here now (epoch 5)");
    }

    @Test
    @Timeout(30)
    void aRefusalFileIsReportedAndExitsFailure() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        daemonIn(PairPhase.RECEIVING);
        standIn(() -> {
            Files.writeString(dir.resolve("state/web1.failover-refused"), "the primary still renews the witness lease\n");
            Files.delete(dir.resolve("state/web1.failover"));
        });
        Run r = failover();
        assertThat(r.code()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(r.errorLine()).isEqualTo("kemari: failover: web1: failover refused: the primary still renews the witness lease");
    }

    /** A cluster manager's promote after the receive daemon already failed over by itself. */
    @Test
    @Timeout(30)
    void aDaemonThatFailedOverAlreadyExitsFailedOverAtOnce() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        daemonIn(PairPhase.FAILED_OVER);
        Run r = failover();
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FAILED_OVER.code());
        assertThat(r.err()).contains("kemari: failover: web1: the replica runs here already (epoch 5)");
        assertThat(dir.resolve("state/web1.failover")).doesNotExist();
    }

    /** The daemon lost its primary and contends for the lease by itself: failover waits for it. */
    @Test
    @Timeout(30)
    void aDaemonTakingOverIsAwaitedUntilItFailedOver() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        daemonIn(PairPhase.TAKING_OVER);
        Thread daemon = new Thread(() -> {
            try {
                Thread.sleep(500);
                daemonIn(PairPhase.FAILED_OVER);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        daemon.start();
        Run r = failover();
        daemon.join(5000);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FAILED_OVER.code());
        assertThat(r.err()).contains("kemari: failover: web1: the receive daemon took over: the replica runs here now (epoch 5)");
        assertThat(dir.resolve("state/web1.failover")).doesNotExist();
    }

    /**
     * Taking over behind a partition: the primary keeps renewing the lease, so the daemon never
     * gets it, and failover is refused (never a timeout a caller might take for "try something else").
     */
    @Test
    @Timeout(60)
    void aDaemonTakingOverWhileThePrimaryRenewsIsRefused() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        Path lease = dir.resolve("web1.lease");
        Path cfg = dir.resolve("web1.yaml");
        Files.writeString(cfg, "domain: web1\nprimary: a\nsecondary: b\nbackend: sim\nsecurity: {insecure: true}\n"
                + "witness:\n  lease-file: " + lease + "\n  lease-duration: 500ms\n");
        org.kemari.tap.WitnessLease primary = new org.kemari.tap.WitnessLease(lease, "primary@a:8102", Duration.ofMillis(500));
        assertThat(primary.claimIfFree()).isTrue();
        daemonIn(PairPhase.TAKING_OVER);
        Thread renewer = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    primary.renew();
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                // test over
            }
        });
        renewer.setDaemon(true);
        renewer.start();
        try {
            Run r = Run.of(Main.engine(), dir.resolve("state"), "failover", "--config", cfg.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FAILURE.code());
            assertThat(r.errorLine()).startsWith("kemari: failover: web1: failover refused: primary@a:8102 still renews the witness lease");
        } finally {
            renewer.interrupt();
        }
    }

    /**
     * The real daemons, the receiver under a cluster manager (--manual-failover): the primary's
     * SIGKILL leaves the replica paused (taking-over) however long the lease has been out, until
     * `kemari failover` asks; then it takes the lease at once and runs the replica.
     */
    @Test
    @Timeout(240)
    void aManualReceiverWaitsForTheRequestThenFailsOver() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        try (PairLab lab = PairLab.open("failover-manual")) {
            Path cfg = lab.pair().config();
            Files.writeString(cfg, Files.readString(cfg).replace("timeout: 300ms", "timeout: 3s")
                    .replace("lease-duration: 300ms", "lease-duration: 1s"));
            lab.start("secondary", "receive", java.util.List.of("--manual-failover"));
            lab.await("secondary", st -> st.phase() == PairPhase.RECEIVING, "secondary listening", Duration.ofSeconds(90));
            lab.start("primary", "protect");
            lab.await("primary", st -> st.phase() == PairPhase.PROTECTED, "primary protected", Duration.ofSeconds(90));
            lab.await("secondary", st -> st.phase() == PairPhase.RECEIVING && st.epoch() > 0, "secondary holding a replica",
                    Duration.ofSeconds(90));
            lab.kill("primary");
            lab.await("secondary", st -> st.phase() == PairPhase.TAKING_OVER, "secondary taking over", Duration.ofSeconds(30));
            // three lease durations: an automatic receiver would have failed over long since
            Thread.sleep(3000);
            assertThat(lab.state("secondary").orElseThrow().phase()).isEqualTo(PairPhase.TAKING_OVER);
            assertThat(Files.readString(lab.pair().log("secondary"))).contains("kept paused until 'kemari failover' asks");

            Run r = Run.of(Main.engine(), lab.pair().stateDir("secondary"), "failover", "--config",
                    lab.pair().config("secondary").toString());

            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FAILED_OVER.code());
            assertThat(r.err()).contains("the receive daemon took over: the replica runs here now");
            assertThat(lab.state("secondary").orElseThrow().phase()).isEqualTo(PairPhase.FAILED_OVER);
            assertThat(lab.pair().stateDir("secondary").resolve("demo.failover")).doesNotExist();
        }
    }

    /** The real daemons: while the primary renews the lease, the secondary refuses and keeps receiving. */
    @Test
    @Timeout(240)
    void refusedWhileThePrimaryHoldsTheLease() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        try (PairLab lab = PairLab.open("failover-refused")) {
            // the demo's timings are tight for a loaded machine; this test is about the lease, not speed
            Path cfg = lab.pair().config();
            Files.writeString(cfg, Files.readString(cfg).replace("timeout: 300ms", "timeout: 3s")
                    .replace("lease-duration: 300ms", "lease-duration: 2s"));
            lab.start("secondary", "receive");
            lab.await("secondary", st -> st.phase() == PairPhase.RECEIVING, "secondary listening", Duration.ofSeconds(90));
            lab.start("primary", "protect");
            lab.await("primary", st -> st.phase() == PairPhase.PROTECTED, "primary protected", Duration.ofSeconds(90));
            lab.await("secondary", st -> st.phase() == PairPhase.RECEIVING && st.epoch() > 0, "secondary holding a replica",
                    Duration.ofSeconds(90));

            Run r = Run.of(Main.engine(), lab.pair().stateDir("secondary"), "failover", "--config",
                    lab.pair().config("secondary").toString());

            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FAILURE.code());
            assertThat(r.err()).contains("failover refused: the primary still renews the witness lease");
            assertThat(lab.pair().stateDir("secondary").resolve("demo.failover")).doesNotExist();
            assertThat(lab.pair().stateDir("secondary").resolve("demo.failover-refused")).exists();
            assertThat(lab.state("secondary").orElseThrow().phase()).isEqualTo(PairPhase.RECEIVING);
            assertThat(lab.state("primary").orElseThrow().phase()).isEqualTo(PairPhase.PROTECTED);
        }
    }
}
