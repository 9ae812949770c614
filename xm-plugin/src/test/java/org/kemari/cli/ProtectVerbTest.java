package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.pair.StateDir;
import org.kemari.tap.WitnessLease;

class ProtectVerbTest {

    @TempDir
    Path dir;

    /**
     * Found by the cluster lab's partition: Pacemaker, refused a failover, restarted the receiver
     * (no replica yet) and promoted it again, and the agent's `kemari protect` published itself
     * primary and booted a guest before finding the lease held by the live primary.
     */
    @Test
    @Timeout(30)
    void aLeaseHeldByAnotherHostIsRefusedBeforeThisHostSaysItIsPrimary() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        Path lease = dir.resolve("web1.lease");
        Path cfg = dir.resolve("web1.yaml");
        Files.writeString(cfg, "domain: web1\nprimary: b\nsecondary: a\nbackend: sim\nsecurity: {insecure: true}\n"
                + "witness:\n  lease-file: " + lease + "\n  lease-duration: 500ms\n");
        assertThat(new WitnessLease(lease, "primary@a:8102", Duration.ofMillis(500)).claimIfFree()).isTrue();

        Run r = Run.of(Main.engine(), dir.resolve("state"), "protect", "--config", cfg.toString(), "-e");

        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(r.errorLine()).isEqualTo("kemari: protect: web1: the witness lease " + lease
                + " is held by primary@a:8102 (generation 1): the guest may be running there; refusing to protect a second copy");
        assertThat(new StateDir(dir.resolve("state")).read("web1")).as("never published as primary").isEmpty();
        assertThat(r.err()).doesNotContain("booted");
    }
}
