package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.kemari.pair.StateDir;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Pacemaker agent, scripts/ocf/kemari, under Debian's ocf-tester (resource-agents). Without
 * resource-agents these tests are skipped, unless CI=true or -Dkemari.require.ocf=true makes that a
 * failure.
 */
class OcfAgentTest {
    static final Path AGENT = Path.of("scripts/ocf/kemari").toAbsolutePath();
    static final Path OCF_ROOT = Path.of("/usr/lib/ocf");
    static final int OCF_SUCCESS = 0;
    static final int OCF_ERR_CONFIGURED = 6;
    static final int OCF_NOT_RUNNING = 7;

    private Path work;
    private Path agent;

    @BeforeEach
    void setUp() throws IOException {
        requireResourceAgents();
        // Under target/, not /tmp's private test dirs: ocf-tester runs the agent as nobody too.
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        work = Files.createTempDirectory(target, "ocf-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        agent = Shell.script(work.resolve("kemari"), Files.readString(AGENT));
    }

    @AfterEach
    void stopDaemonsAndClean() throws IOException {
        if (work == null) {
            return;
        }
        Path state = work.resolve("state");
        if (Files.isDirectory(state)) {
            // Daemons the agent left running: the stand-in's "<role> <pid>" files, the CLI's state files.
            try (DirectoryStream<Path> files = Files.newDirectoryStream(state, "*.fake")) {
                for (Path f : files) {
                    kill(Files.readString(f).trim().split(" ")[1]);
                }
            }
            StateDir dir = new StateDir(state);
            for (String pair : dir.pairs()) {
                dir.read(pair).ifPresent(s -> kill(Long.toString(s.pid())));
            }
        }
        try (Stream<Path> all = Files.walk(work)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void kill(String pid) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void requireResourceAgents() {
        boolean present = Shell.onPath("ocf-tester") != null && Files.isRegularFile(OCF_ROOT.resolve("lib/heartbeat/ocf-shellfuncs"))
                && Shell.onPath("xmllint") != null;
        // CI (which sets CI=true) installs resource-agents: there a missing ocf-tester is a failure
        if (!present && (Boolean.getBoolean("kemari.require.ocf") || "true".equals(System.getenv("CI")))) {
            fail("CI=true or -Dkemari.require.ocf=true but ocf-tester, ocf-shellfuncs or xmllint is missing:"
                    + " apt-get install resource-agents libxml2-utils");
        }
        assumeTrue(present, "resource-agents (ocf-tester) or libxml2-utils (xmllint) not installed");
    }

    private Shell ocfTester(Path kemari, Path config, String... params) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Shell.onPath("ocf-tester").toString(), "-n", "kemari",
                "-o", "config=" + config, "-o", "kemari=" + kemari, "-o", "state_dir=" + work.resolve("state")));
        for (String p : params) {
            cmd.addAll(List.of("-o", p));
        }
        cmd.add(agent.toString());
        return Shell.run(cmd, Map.of("OCF_ROOT", OCF_ROOT.toString()), 240);
    }

    /** One agent action, as Pacemaker runs it. */
    private Shell action(String action, Path kemari, Path config, String interval) throws Exception {
        return action(action, kemari, config, interval, Map.of());
    }

    private Shell action(String action, Path kemari, Path config, String interval, Map<String, String> extra) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of("OCF_ROOT", OCF_ROOT.toString(),
                "OCF_RESOURCE_INSTANCE", "kemari", "OCF_RESKEY_config", config.toString(),
                "OCF_RESKEY_kemari", kemari.toString(), "OCF_RESKEY_state_dir", work.resolve("state").toString(),
                "OCF_RESKEY_CRM_meta_interval", interval, "__OCF_ACTION", action));
        env.putAll(extra);
        return Shell.run(List.of(agent.toString(), action), env, 60);
    }

    private Path standIn() throws IOException {
        return Shell.script(work.resolve("fake-kemari"),
                new String(getClass().getResourceAsStream("/ocf/fake-kemari").readAllBytes()));
    }

    /** Puts the stand-in's daemon in {@code role}/{@code phase}: this JVM plays the live daemon process. */
    private void standInState(String role, String phase, int epoch) throws IOException {
        Files.createDirectories(work.resolve("state"));
        Files.writeString(work.resolve("state/web1.fake"), role + " " + ProcessHandle.current().pid() + " " + phase + " " + epoch + "\n");
    }

    static final int OCF_ERR_GENERIC = 1;
    static final int OCF_RUNNING_PROMOTED = 8;
    static final int OCF_FAILED_PROMOTED = 9;
    static final int OCF_DEGRADED = 190;
    static final int OCF_DEGRADED_PROMOTED = 191;

    /** Monitor reports what the daemon is, including when it protects nothing. */
    @Test
    @Timeout(120)
    void monitorTellsDegradedFencedAndTakingOverApart() throws Exception {
        Path fake = standIn();
        Path cfg = simConfig("");
        try {
            String[][] states = {
                {"primary", "protected", "8"}, {"primary", "syncing", "8"},
                {"primary", "degraded", "191"}, {"primary", "stalled", "191"}, {"primary", "auth-failed", "191"},
                {"primary", "fenced", "9"},
                {"secondary", "receiving", "0"}, {"secondary", "taking-over", "190"}, {"secondary", "failed-over", "191"},
            };
            for (String[] st : states) {
                standInState(st[0], st[1], 5);
                Shell r = action("monitor", fake, cfg, "10000");
                assertThat(r.code()).as(st[0] + "/" + st[1] + ": " + r.output()).isEqualTo(Integer.parseInt(st[2]));
            }
        } finally {
            Files.deleteIfExists(work.resolve("state/web1.fake"));
        }
    }

    /** A secondary holding a replica is promoted by failing over to it, not by starting the guest afresh. */
    @Test
    @Timeout(120)
    void promoteOfASecondaryHoldingAReplicaFailsOver() throws Exception {
        Path fake = standIn();
        Path cfg = simConfig("");
        assertThat(action("start", fake, cfg, "0").code()).isEqualTo(OCF_SUCCESS);
        Shell p = action("promote", fake, cfg, "0");

        assertThat(p.code()).as(p.output()).isEqualTo(OCF_SUCCESS);
        assertThat(Files.readString(work.resolve("state/web1.fake"))).startsWith("secondary ").contains(" failed-over 3");
        assertThat(action("monitor", fake, cfg, "10000").code()).isEqualTo(OCF_DEGRADED_PROMOTED);
    }

    /** Behind a partition the failover is refused, and so is the promotion: no second copy is started. */
    @Test
    @Timeout(120)
    void promoteFailsWhenTheFailoverIsRefusedAndStartsNothing() throws Exception {
        Path fake = standIn();
        Path cfg = simConfig("");
        assertThat(action("start", fake, cfg, "0").code()).isEqualTo(OCF_SUCCESS);
        Shell p = action("promote", fake, cfg, "0", Map.of("FAKE_KEMARI_FAILOVER", "refuse"));

        assertThat(p.code()).as(p.output()).isEqualTo(OCF_ERR_GENERIC);
        assertThat(p.output()).contains("failover refused: primary@a:1 still renews the witness lease");
        assertThat(Files.readString(work.resolve("state/web1.fake"))).startsWith("secondary ").contains(" receiving 3");
        assertThat(action("monitor", fake, cfg, "10000").code()).isEqualTo(OCF_SUCCESS);
    }

    /** The pair's first promotion: no replica anywhere, so this host starts protecting. */
    @Test
    @Timeout(120)
    void promoteOfASecondaryWithoutAReplicaProtects() throws Exception {
        Path fake = standIn();
        Path cfg = simConfig("");
        assertThat(action("start", fake, cfg, "0", Map.of("FAKE_KEMARI_EPOCH", "0")).code()).isEqualTo(OCF_SUCCESS);
        Shell p = action("promote", fake, cfg, "0");

        assertThat(p.code()).as(p.output()).isEqualTo(OCF_SUCCESS);
        assertThat(Files.readString(work.resolve("state/web1.fake"))).startsWith("primary ");
        assertThat(action("monitor", fake, cfg, "10000").code()).isEqualTo(OCF_RUNNING_PROMOTED);
    }

    /**
     * A move of the promoted role (the pre-demote notification names another node being promoted)
     * makes demote hand the guest over with `kemari switchover`, then serve as a secondary.
     */
    @Test
    @Timeout(120)
    void demoteOfAMovingPrimaryHandsTheGuestOver() throws Exception {
        Path fake = standIn();
        Path cfg = simConfig("");
        promotedPrimary(fake, cfg);

        assertThat(action("notify", fake, cfg, "0", moveTo("node2")).code()).isEqualTo(OCF_SUCCESS);
        Shell d = action("demote", fake, cfg, "0");

        assertThat(d.code()).as(d.output()).isEqualTo(OCF_SUCCESS);
        assertThat(work.resolve("state/web1.handed-over")).as("kemari switchover ran").exists();
        assertThat(work.resolve("state/web1.move-to")).doesNotExist();
        assertThat(Files.readString(work.resolve("state/web1.fake"))).startsWith("secondary ");
    }

    /** Any other demotion (no promotion elsewhere in the transition) only stops protecting. */
    @Test
    @Timeout(120)
    void demoteWithoutAMoveDoesNotHandOver() throws Exception {
        Path fake = standIn();
        Path cfg = simConfig("");
        promotedPrimary(fake, cfg);
        // this node is promoted in the notified transition, not demoted: no move away from here
        assertThat(action("notify", fake, cfg, "0", moveTo("node1")).code()).isEqualTo(OCF_SUCCESS);

        Shell d = action("demote", fake, cfg, "0");

        assertThat(d.code()).as(d.output()).isEqualTo(OCF_SUCCESS);
        assertThat(work.resolve("state/web1.handed-over")).doesNotExist();
        assertThat(Files.readString(work.resolve("state/web1.fake"))).startsWith("secondary ");
    }

    /** A refused switchover fails the demotion: the guest runs on where it is, still promoted. */
    @Test
    @Timeout(120)
    void aRefusedSwitchoverFailsTheDemotion() throws Exception {
        Path fake = standIn();
        Path cfg = simConfig("");
        promotedPrimary(fake, cfg);
        action("notify", fake, cfg, "0", moveTo("node2"));

        Shell d = action("demote", fake, cfg, "0", Map.of("FAKE_KEMARI_SWITCHOVER", "refuse"));

        assertThat(d.code()).as(d.output()).isEqualTo(OCF_ERR_GENERIC);
        assertThat(d.output()).contains("switchover refused: the final epoch was not acknowledged");
        assertThat(action("monitor", fake, cfg, "10000").code()).isEqualTo(OCF_RUNNING_PROMOTED);
    }

    private void promotedPrimary(Path fake, Path cfg) throws Exception {
        assertThat(action("start", fake, cfg, "0", Map.of("FAKE_KEMARI_EPOCH", "0")).code()).isEqualTo(OCF_SUCCESS);
        assertThat(action("promote", fake, cfg, "0").code()).isEqualTo(OCF_SUCCESS);
        assertThat(action("monitor", fake, cfg, "10000").code()).isEqualTo(OCF_RUNNING_PROMOTED);
    }

    /** Pacemaker's pre-demote notification on node1 for a transition that demotes node1 and promotes {@code promoted}. */
    private static Map<String, String> moveTo(String promoted) {
        return Map.of("OCF_RESKEY_CRM_meta_on_node", "node1", "OCF_RESKEY_CRM_meta_notify_type", "pre",
                "OCF_RESKEY_CRM_meta_notify_operation", "demote", "OCF_RESKEY_CRM_meta_notify_demote_uname",
                promoted.equals("node1") ? "node2" : "node1", "OCF_RESKEY_CRM_meta_notify_promote_uname", promoted);
    }

    /** The real command line, from this build's classes, as the agent's kemari command. */
    private Path realKemari() throws IOException {
        return cli("kemari-cli", Main.class);
    }

    /** A command running {@code main} of this build's test classpath; JIT kept light for fast starts. */
    private Path cli(String name, Class<?> main) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Shell.script(work.resolve(name), "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1"
                + " -XX:+UseSerialGC -Xshare:auto -cp '" + System.getProperty("java.class.path") + "' "
                + main.getName() + " \"$@\"\n");
    }

    private Path simConfig(String extra) throws IOException {
        Path cfg = work.resolve("web1.yaml");
        Files.writeString(cfg, "domain: web1\nprimary: 127.0.0.1:" + freePort() + "\nsecondary: 127.0.0.1:" + freePort()
                + "\nbackend: sim\nunsafe: true\nsecurity:\n  insecure: true\n" + extra);
        return cfg;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(300)
    void agentPassesOcfTesterAgainstTheDocumentedCliContract() throws Exception {
        Shell r = ocfTester(standIn(), simConfig(""));

        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("passed all tests");
    }

    /**
     * The agent driving the real command line, its daemons and the replication engine on the
     * simulator. A single host stands in for both: a peer receiver listens on the config's
     * secondary endpoint and the agent's own receiver on another port (incoming=), so promote's
     * protect streams to the peer; demote ends that stream cleanly.
     */
    @Test
    @Timeout(300)
    void agentPassesOcfTesterAgainstTheRealCliOnTheSimulator() throws Exception {
        assumeTrue(Main.engine().missing("receive") == null && Main.engine().missing("protect") == null,
                "kemari receive/protect are not wired to the replication engine in this build");
        Path kemari = realKemari();
        Path disk = work.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(16L << 20);
        }
        // The guest's packets go to a sink outside the pair, as to the network.
        ServerSocket sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread drain = new Thread(() -> drain(sink), "ocf-test-net-sink");
        drain.setDaemon(true);
        drain.start();
        Path cfg = simConfig("devices:\n  disk: " + disk + "\n  net: 127.0.0.1:" + sink.getLocalPort() + "\n");
        try {
            Shell peer = Shell.run(List.of(kemari.toString(), "receive", "--config", cfg.toString(), "--state-dir",
                    work.resolve("peer").toString()), Map.of(), 120);
            assertThat(peer.code()).as(peer.output()).isZero();
            Shell r = ocfTester(kemari, cfg, "incoming=kemari:tcp:127.0.0.1:" + freePort());
            assertThat(r.code()).as(r.output()).isZero();
            assertThat(r.output()).contains("passed all tests");
        } finally {
            StateDir peers = new StateDir(work.resolve("peer"));
            peers.pairs().forEach(p -> peers.read(p).ifPresent(st -> kill(Long.toString(st.pid()))));
            sink.close();
        }
    }

    private static void drain(ServerSocket sink) {
        try {
            while (true) {
                Socket c = sink.accept();
                Thread t = new Thread(() -> {
                    try (c) {
                        c.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException closed) {
                        // the guest's connection ended
                    }
                }, "ocf-test-net-sink-conn");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException closed) {
            // sink closed at the end of the test
        }
    }

    @Test
    @Timeout(120)
    void realCliProbeOfAStoppedPairAndValidationOfAGoodConfig() throws Exception {
        Path kemari = realKemari();
        Path cfg = simConfig("");

        assertThat(action("monitor", kemari, cfg, "0").code()).isEqualTo(OCF_NOT_RUNNING);
        Shell v = action("validate-all", kemari, cfg, "0");
        assertThat(v.code()).as(v.output()).isEqualTo(OCF_SUCCESS);
    }

    @Test
    @Timeout(120)
    void realCliBrokenConfigIsNotConfiguredWithTheLocatedError() throws Exception {
        Shell r = action("validate-all", realKemari(), simConfig("hearbeat:\n  timeout: 1s\n"), "0");

        assertThat(r.code()).isEqualTo(OCF_ERR_CONFIGURED);
        assertThat(r.output()).contains("web1.yaml:8:1: unknown key 'hearbeat' (did you mean 'heartbeat'?)");
    }
}
