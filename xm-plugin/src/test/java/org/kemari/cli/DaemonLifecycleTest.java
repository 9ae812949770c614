package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.kemari.pair.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A background daemon across real processes: start, status, refusing a twin, stop. */
class DaemonLifecycleTest {
    @TempDir
    Path dir;

    private Path kemari;
    private long daemonPid = -1;

    @AfterEach
    void killLeftovers() {
        if (daemonPid > 0) {
            ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private Shell run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(kemari.toString()));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, Map.of("KEMARI_STATE_DIR", dir.resolve("state").toString()), 90);
    }

    @Test
    @Timeout(180)
    void receiveDaemonizesReportsAndStops() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        kemari = Shell.script(dir.resolve("kemari"), "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' org.kemari.cli.HoldingEngineMain \"$@\"\n");
        Path cfg = dir.resolve("web1.yaml");
        Files.writeString(cfg, "domain: web1\nprimary: a\nsecondary: b\nbackend: sim\nunsafe: true\n"
                + "security: {insecure: true}\n");

        Shell started = run("receive", "--config", cfg.toString());
        assertThat(started.code()).as(started.output()).isZero();
        Matcher m = Pattern.compile("web1 running as secondary, pid (\\d+), log (\\S+)").matcher(started.output());
        assertThat(m.find()).as(started.output()).isTrue();
        daemonPid = Long.parseLong(m.group(1));
        assertThat(Path.of(m.group(2))).isEqualTo(dir.resolve("state/web1.log"));

        Shell status = run("status", "--pair", "web1", "--json");
        assertThat(status.output()).contains("\"role\":\"secondary\",\"stale\":false,\"pid\":" + daemonPid)
                .contains("\"phase\":\"receiving\"");

        Shell twin = run("receive", "--config", cfg.toString());
        assertThat(twin.code()).isEqualTo(ExitCode.FAILURE.code());
        assertThat(twin.output()).contains("pair 'web1' is already served by pid " + daemonPid + " as secondary");

        Shell stopped = run("unprotect", "--pair", "web1");
        assertThat(stopped.output()).isEqualTo("kemari: unprotect: web1 stopped (was secondary, pid " + daemonPid + ")\n");
        assertThat(StateDir.running(daemonPid)).isFalse();
        assertThat(run("status", "--pair", "web1", "--json").output()).contains("\"role\":\"stopped\",\"stale\":false");
    }
}
