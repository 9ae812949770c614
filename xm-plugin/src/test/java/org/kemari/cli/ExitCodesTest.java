package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.ft.transport.Transport;
import org.kemari.ft.transport.TransportConfig;
import org.kemari.pair.EngineException;
import org.kemari.pair.ReplicationEngine;

/**
 * Exit codes reached by real paths through the wired engine on the simulator: the ones the
 * engine produces (PEER_UNREACHABLE 4, PROTOCOL 8, AUTH 9) and the single mapping of engine
 * failure kinds to codes. The other codes have their tests beside the verbs that return them
 * (KemariTest: USAGE, CONFIG, DOMAIN_NOT_FOUND, BACKEND_UNAVAILABLE; FailoverVerbTest: FAILURE,
 * FAILED_OVER; EngineMissingTest: ENGINE_MISSING).
 */
class ExitCodesTest {
    @TempDir
    Path dir;

    private Run kemari(String... args) {
        return Run.of(Main.engine(), dir.resolve("state"), args);
    }

    @Test
    void everyEngineFailureKindAndOutcomeHasOneExitCode() {
        assertThat(ExitCode.of(EngineException.Kind.CONFIG)).isEqualTo(ExitCode.CONFIG);
        assertThat(ExitCode.of(EngineException.Kind.PEER_UNREACHABLE)).isEqualTo(ExitCode.PEER_UNREACHABLE);
        assertThat(ExitCode.of(EngineException.Kind.AUTHENTICATION)).isEqualTo(ExitCode.AUTH);
        assertThat(ExitCode.of(EngineException.Kind.PROTOCOL)).isEqualTo(ExitCode.PROTOCOL);
        assertThat(ExitCode.of(EngineException.Kind.UNSUPPORTED)).isEqualTo(ExitCode.ENGINE_MISSING);
        assertThat(ExitCode.of(EngineException.Kind.REFUSED)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.of(EngineException.Kind.FENCED)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.of(EngineException.Kind.FAILURE)).isEqualTo(ExitCode.FAILURE);
        assertThat(ExitCode.of(ReplicationEngine.Outcome.STOPPED)).isEqualTo(ExitCode.OK);
        assertThat(ExitCode.of(ReplicationEngine.Outcome.FAILED_OVER)).isEqualTo(ExitCode.FAILED_OVER);
        Set<ExitCode> reached = EnumSet.noneOf(ExitCode.class);
        Arrays.stream(EngineException.Kind.values()).map(ExitCode::of).forEach(reached::add);
        assertThat(reached).contains(ExitCode.AUTH, ExitCode.PROTOCOL, ExitCode.ENGINE_MISSING);
    }

    /** kemari(1) states every code with the meaning `kemari help exit-codes` prints. */
    @Test
    void theManPageStatesEveryCodesMeaning() throws IOException {
        String man = Files.readString(Path.of("../docs/kemari.1.md"));
        for (ExitCode c : ExitCode.values()) {
            assertThat(man).contains("| " + c.code() + " | `" + c.name() + "` | " + c.meaning() + " |");
        }
    }

    /** kemari(1) and docs/failover.md list exactly the phases the code produces (PairPhase). */
    @Test
    void theDocsListExactlyThePhases() throws IOException {
        String man = Files.readString(Path.of("../docs/kemari.1.md"));
        String phaseRow = man.lines().filter(l -> l.startsWith("| `phase` |")).findFirst().orElseThrow();
        Set<String> documented = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([a-z-]+)`").matcher(phaseRow);
        while (m.find()) {
            documented.add(m.group(1));
        }
        documented.remove("phase");
        Set<String> produced = new java.util.TreeSet<>();
        for (org.kemari.pair.PairPhase p : org.kemari.pair.PairPhase.values()) {
            produced.add(p.word());
        }
        assertThat(documented).isEqualTo(produced);
        String failover = Files.readString(Path.of("../docs/failover.md"));
        for (org.kemari.pair.PairPhase p : org.kemari.pair.PairPhase.values()) {
            assertThat(failover).contains("| `" + p.name() + "` |");
        }
    }

    /**
     * A wrong pre-shared key is its own state, not "unreachable": one log line, backed-off
     * retries, and exit 9 when the pair was never protected.
     */
    @Test
    @Timeout(60)
    void aSecondaryWithAnotherKeyEndsProtectWithAuth() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        Path theirs = dir.resolve("theirs.psk");
        Path ours = dir.resolve("ours.psk");
        Files.writeString(theirs, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
        Files.writeString(ours, "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\n");
        List<String> refused = new ArrayList<>();
        try (Transport.Acceptor secondary = Transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                TransportConfig.pskFile(theirs))) {
            Thread t = new Thread(() -> {
                while (true) {
                    try {
                        secondary.accept().close();
                    } catch (IOException e) {
                        if (e.getMessage() != null && e.getMessage().contains("closed")) {
                            return;
                        }
                        synchronized (refused) {
                            refused.add(e.toString());
                        }
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            long t0 = System.nanoTime();
            Run r = kemari("protect", "authguest", "127.0.0.1:" + secondary.address().getPort(), "--psk-file", ours.toString(),
                    "-n", "-d", "-F", "--backend", "sim", "-e", "--heartbeat-interval", "50ms", "--heartbeat-timeout", "200ms");
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.AUTH.code());
            assertThat(r.err()).contains("failed authentication 4 times in a row, and this pair was never protected")
                    .doesNotContain("unreachable");
            assertThat(r.err().lines().filter(l -> l.contains("failed authentication (")).count()).as(r.err()).isEqualTo(1);
            // backed off: 200 + 400 + 800 ms between the four attempts, not one every heartbeat timeout
            assertThat(elapsedMs).isGreaterThanOrEqualTo(1400);
        }
    }

    /** A peer that answers in another protocol ends protect with 8 when the pair was never protected. */
    @Test
    @Timeout(60)
    void aPeerSpeakingAnotherProtocolEndsProtectWithProtocol() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        try (ServerSocket junk = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                List<Socket> open = new ArrayList<>();
                try {
                    while (true) {
                        Socket s = junk.accept();
                        open.add(s);
                        OutputStream o = s.getOutputStream();
                        byte[] hello = new byte[4096];
                        Arrays.fill(hello, (byte) 'X');
                        o.write(hello);
                        o.flush();
                        Thread drain = new Thread(() -> {
                            try {
                                s.getInputStream().transferTo(OutputStream.nullOutputStream());
                            } catch (IOException ignored) {
                                // the primary hung up
                            }
                        });
                        drain.setDaemon(true);
                        drain.start();
                    }
                } catch (IOException e) {
                    open.forEach(s -> {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    });
                }
            });
            t.setDaemon(true);
            t.start();
            Run r = kemari("protect", "protoguest", "127.0.0.1:" + junk.getLocalPort(), "--insecure",
                    "-n", "-d", "-F", "--backend", "sim", "-e", "--heartbeat-interval", "50ms", "--heartbeat-timeout", "200ms");

            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.PROTOCOL.code());
            assertThat(r.err()).contains("speaks another protocol 4 times in a row");
        }
    }

    /** A receiver that cannot listen where the config says ends with 4. */
    @Test
    @Timeout(60)
    void aReceiverThatCannotListenExitsPeerUnreachable() throws Exception {
        assumeTrue(KemariTest.backendPresent("sim"), "the sim backend is not in this build");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Run r = kemari("receive", "-incoming", "kemari:tcp:127.0.0.1:" + taken.getLocalPort(), "--pair", "busy",
                    "--insecure", "-n", "-d", "-F", "--backend", "sim", "-e");

            assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.PEER_UNREACHABLE.code());
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
