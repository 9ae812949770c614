package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.kemari.pair.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.cli.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kemari.config.Devices;
import org.kemari.config.Endpoint;
import org.kemari.xen.HypervisorProvider;
import org.kemari.xen.Hypervisors;

class KemariTest {
    static final Path EXAMPLE = Path.of("../docs/example-pair.yaml");
    static final List<String> VERBS = List.of("protect", "receive", "status", "failover", "unprotect", "demo",
            "bench", "torture", "config", "version");

    @TempDir
    Path dir;

    private Run kemari(String... args) {
        return Run.of(Engine.NONE, dir.resolve("state"), args);
    }

    /** The example config, copied next to stand-in TLS files so its relative paths resolve. */
    private Path example() throws IOException {
        Path cfg = dir.resolve("web1.yaml");
        Files.copy(EXAMPLE, cfg);
        Files.createDirectories(dir.resolve("tls"));
        for (String f : List.of("dom0.crt", "dom0.key", "ca.crt")) {
            Files.writeString(dir.resolve("tls").resolve(f), "PEM\n");
        }
        return cfg;
    }

    private Path writeConfig(String yaml) throws IOException {
        Path f = dir.resolve("pair.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"protect", "receive", "status", "failover", "unprotect", "demo", "bench", "config", "version"})
    void everyVerbHasHelpListingItsOptions(String verb) {
        Run r = kemari(verb, "--help");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains(" usage: kemari " + verb).contains("--help").contains("Exit codes");
        Verb v = new Kemari(Engine.NONE, false).verb(verb);
        for (Option o : v.options().getOptions()) {
            assertThat(r.out()).contains(o.getLongOpt() != null ? "--" + o.getLongOpt() : "-" + o.getOpt());
        }
        assertThat(kemari("help", verb).out()).isEqualTo(r.out());
    }

    @Test
    void overviewListsEveryVerb() {
        Run r = kemari("--help");
        assertThat(r.code()).isZero();
        VERBS.forEach(v -> assertThat(r.out()).contains("  " + v + " "));
    }

    @Test
    void noArgumentsIsAUsageError() {
        Run r = kemari();
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("usage: kemari <verb>");
    }

    @Test
    void unknownVerbSuggestsTheClosest() {
        Run r = kemari("recieve");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errorLine()).isEqualTo("kemari: unknown verb 'recieve' (did you mean 'receive'?);"
                + " run 'kemari --help' for the verbs");
    }

    @Test
    void unknownOptionSuggestsTheClosest() {
        Run r = kemari("protect", "--heartbeat-timout", "1s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errorLine()).isEqualTo("kemari: protect: unknown option '--heartbeat-timout'"
                + " (did you mean '--heartbeat-timeout'?); see 'kemari protect --help'");
    }

    @Test
    void abbreviatedOptionsAreNotGuessed() {
        assertThat(kemari("status", "--js").errorLine()).startsWith("kemari: status: unknown option '--js'");
    }

    @Test
    void optionWithoutItsValue() {
        Run r = kemari("protect", "web1", "hostb", "--witness");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errorLine()).isEqualTo("kemari: protect: option --witness needs a value <path>;"
                + " see 'kemari protect --help'");
    }

    @Test
    void configCheckPrintsTheTypedExample() throws IOException {
        Path cfg = example();
        Run r = kemari("config", "check", cfg.toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith(cfg + ": ok\n")
                .containsPattern("secondary +dom0-b.example.org:8102\n")
                .containsPattern("sync.max-epoch-interval +1s\n")
                .containsPattern("witness.lease-file +/srv/shared/kemari/web1.lease\n")
                .containsPattern("devices.net +gw.example.org:9000\n")
                .containsPattern("security.tls.cert +" + Pattern.quote(dir.resolve("tls/dom0.crt").toString()));
    }

    @Test
    void configCheckJsonIsOneStableLine() throws IOException {
        Run r = kemari("config", "check", example().toString(), "--json");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("{\"pair\":\"web1\",\"domain\":\"web1\",\"primary\":\"dom0-a.example.org:8102\","
                + "\"secondary\":\"dom0-b.example.org:8102\",\"backend\":\"auto\",\"sync\":{\"mode\":\"event\","
                + "\"interval_ms\":200,\"max_epoch_interval_ms\":1000,\"max_in_flight\":4,\"group_commit\":true},\"heartbeat\":"
                + "{\"interval_ms\":100,\"timeout_ms\":1000},\"witness\":{\"lease_file\":"
                + "\"/srv/shared/kemari/web1.lease\",\"lease_duration_ms\":3000},\"tap\":[\"block\",\"net\"],"
                + "\"compression\":\"lz4-delta\",\"devices\":{\"disk\":\"/srv/shared/kemari/web1.img\","
                + "\"net\":\"gw.example.org:9000\",\"nbd\":null,\"netdev\":null,\"device_model_args_hvm\":[]},\"security\":{\"kind\":\"tls\",\"tls.cert\":\""
                + dir.resolve("tls/dom0.crt") + "\",\"tls.key\":\"" + dir.resolve("tls/dom0.key") + "\",\"tls.ca\":\""
                + dir.resolve("tls/ca.crt") + "\"},\"unsafe\":false}\n");
    }

    @Test
    void configCheckPrintsTheQemuLineForAnEmulatedDisk() throws IOException {
        Path f = writeConfig("domain: web1\nprimary: a:8102\nsecondary: b\nsecurity:\n  insecure: true\nunsafe: true\ntap: []\n"
                + "devices:\n  disk: /srv/web1.img\n  nbd: /run/kemari/web1.nbd\n");
        Run r = kemari("config", "check", f.toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("devices.nbd +/run/kemari/web1.nbd\n")
                .containsPattern("devices.net +none\n")
                .contains("  device_model_args_hvm = [ \"-drive\", \"driver=raw,file.driver=nbd,file.server.type=unix,"
                        + "file.server.path=/run/kemari/web1.nbd,file.reconnect-delay=10,if=ide\" ]\n");
        assertThat(kemari("config", "check", f.toString(), "--json").out())
                .contains("\"devices\":{\"disk\":\"/srv/web1.img\",\"net\":null,\"nbd\":\"/run/kemari/web1.nbd\","
                        + "\"netdev\":null,\"device_model_args_hvm\":[\"-drive\",\"driver=raw,");
    }

    @Test
    void protectCreateNeedsTheXlConfig() throws IOException {
        Path f = writeConfig("domain: web1\nprimary: a:8102\nsecondary: b\nsecurity:\n  insecure: true\nunsafe: true\ntap: []\n"
                + "backend: sim\n");
        Path missing = dir.resolve("web1.cfg");
        Run r = kemari("protect", "--config", f.toString(), "--create", missing.toString(), "-e");

        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.errorLine()).endsWith("--create: no xl config file " + missing);
    }

    @Test
    void configErrorsAreOneLocatedLineWithExitCode3() throws IOException {
        Path f = writeConfig("domain: web1\nprimary: a:8102\nsecondary: b:99999\n");
        Run r = kemari("config", "check", f.toString());

        assertThat(r.code()).isEqualTo(ExitCode.CONFIG.code());
        assertThat(r.errorLine()).isEqualTo("kemari: config: " + f
                + ":3:12: secondary: port 99999 is out of range (expected 1-65535)");
    }

    @Test
    void malformedDuplicateAndUnknownKeysAllExit3() throws IOException {
        assertThat(kemari("config", "check", writeConfig("a: [1\n").toString()).errorLine()).contains("malformed YAML");
        assertThat(kemari("config", "check", writeConfig("domain: a\ndomain: b\n").toString()).errorLine())
                .endsWith("pair.yaml:2:1: duplicate key 'domain' (first set at line 1)");
        Run r = kemari("config", "check", writeConfig("domian: a\n").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.errorLine()).contains("pair.yaml:1:1: unknown key 'domian' (did you mean 'domain'?)");
    }

    @Test
    void missingCertGivenByOptionNamesOptionKeyAndPath() throws IOException {
        Path cert = dir.resolve("absent.crt");
        Files.writeString(dir.resolve("k"), "k");
        Run r = kemari("protect", "web1", "hostb", "--witness", "/srv/l", "--tls-cert", cert.toString(),
                "--tls-key", dir.resolve("k").toString(), "--tls-ca", dir.resolve("k").toString());

        assertThat(r.code()).isEqualTo(ExitCode.CONFIG.code());
        assertThat(r.errorLine()).isEqualTo("kemari: protect: --tls-cert: missing cert file " + cert
                + " (security.tls.cert)");
    }

    @Test
    void unknownSubcommandOfConfig() {
        Run r = kemari("config", "chek", "x.yaml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errorLine()).isEqualTo("kemari: config: unknown subcommand 'chek' (did you mean 'check'?);"
                + " expected: check");
    }

    @Test
    void badDestinationPortIsAUsageError() {
        Run r = kemari("protect", "web1", "hostb:0", "--insecure", "-F");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errorLine()).isEqualTo("kemari: protect: secondary 'hostb:0': port 0 is out of range"
                + " (expected 1-65535)");
    }

    @Test
    void remusUnsafeFlagsNeedF() {
        Run r = kemari("protect", "web1", "hostb", "--insecure", "--witness", "/srv/l", "-n", "-d");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.errorLine()).startsWith("kemari: protect: --no-net-buffering: tapping no devices").endsWith("(or -F) to allow it");
    }

    @Test
    void noWitnessNeedsF() {
        assertThat(kemari("protect", "web1", "hostb", "--insecure").errorLine())
                .startsWith("kemari: protect: options: no witness lease");
    }

    @Test
    void optionValueErrorsNameTheOption() {
        assertThat(kemari("protect", "web1", "hostb", "--insecure", "-F", "--tap", "disk").errorLine())
                .isEqualTo("kemari: protect: --tap: expected block,net | block | net | none, got 'disk'");
        assertThat(kemari("protect", "web1", "hostb", "--insecure", "-F", "-i", "soon").errorLine())
                .isEqualTo("kemari: protect: --interval: expected a duration such as 200ms, 5s or 2m, got 'soon'");
        assertThat(kemari("receive", "-incoming", "tcp:0:4444", "--pair", "p", "--insecure", "-F").errorLine())
                .isEqualTo("kemari: receive: -incoming: expected kemari:tcp:addr:port, got 'tcp:0:4444'");
    }

    @Test
    void unknownDomainOnTheSimulatorExits5() {
        assumeTrue(backendPresent("sim"), "the sim backend is not in this build");
        Run r = kemari("protect", "no-such-guest", "hostb", "--insecure", "-F", "--backend", "sim");

        assertThat(r.code()).isEqualTo(ExitCode.DOMAIN_NOT_FOUND.code());
        assertThat(r.errorLine()).isEqualTo("kemari: protect: no domain 'no-such-guest' on the sim backend");
    }

    @Test
    void remoteReceiverCommandNeedsTheConfigItWillHandToTheSecondary() {
        assumeTrue(backendPresent("sim"), "the sim backend is not in this build");
        String[] receiver = new String[1];
        Engine engine = new TestEngine() {
            @Override
            public void prepareHost(org.kemari.config.PairConfig pair, org.kemari.xen.Hypervisor hv, java.io.PrintStream log) {
                org.kemari.xen.sim.SimHost.defaultHost().createGuest(org.kemari.xen.sim.GuestSpec.memtouch(pair.domain()));
            }

            @Override
            public ExitCode protect(PairSession session) {
                receiver[0] = session.receiverCommand();
                return ExitCode.OK;
            }
        };
        Run r = Run.of(engine, dir.resolve("state"), "protect", "sguest", "hostb", "--insecure", "-F", "--backend", "sim",
                "-e", "-s", "ssh -l root");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.errorLine()).isEqualTo("kemari: protect: -s needs --config: the receiver it starts on hostb reads"
                + " the same pairing config at the same path");
        assertThat(receiver[0]).isNull();
    }

    @Test
    void domain0CannotBeProtected() {
        assumeTrue(backendPresent("sim"), "the sim backend is not in this build");
        Run r = kemari("protect", "Domain-0", "hostb", "--insecure", "-F", "--backend", "sim");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.errorLine()).isEqualTo("kemari: protect: 'Domain-0' is Domain-0, the control domain;"
                + " only guests can be protected");
    }

    @Test
    void unavailableBackendExits6() {
        assumeTrue(backendPresent("xen") && !Files.exists(Path.of("/dev/xen/privcmd")), "needs a non-Xen machine");
        Run r = kemari("receive", "-incoming", "kemari:tcp:0:4444", "--pair", "p", "--insecure", "-F");

        assertThat(r.code()).isEqualTo(ExitCode.BACKEND_UNAVAILABLE.code());
        assertThat(r.errorLine()).startsWith("kemari: receive: xen backend: ");
    }

    @Test
    void verbsWithoutTheirEngineSayWhatIsMissing() {
        assumeTrue(backendPresent("sim"), "the sim backend is not in this build");
        Run r = kemari("receive", "-incoming", "kemari:tcp:0:4444", "--pair", "p", "--insecure", "-F", "--backend", "sim");

        assertThat(r.code()).isEqualTo(ExitCode.ENGINE_MISSING.code());
        assertThat(r.errorLine()).isEqualTo("kemari: receive: not available in this build: the transactional epoch"
                + " receiver (ft-transaction) is not wired into the command line yet");
        assertThat(kemari("demo").code()).isEqualTo(ExitCode.ENGINE_MISSING.code());
        assertThat(kemari("bench").errorLine()).contains("not wired");
    }

    @Test
    void verbsReachTheEngine() {
        Engine engine = new TestEngine() {
            @Override
            public ExitCode demo(Invocation in) {
                in.out().println("demo ran");
                return ExitCode.OK;
            }
        };
        Run r = Run.of(engine, dir, "demo");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("demo ran\n");
    }

    @Test
    void receiveHandsTheEngineTheConfiguredPairWhileServingAsTheDaemon() throws IOException {
        assumeTrue(backendPresent("sim"), "the sim backend is not in this build");
        Path cfg = example();
        StateDir state = new StateDir(dir.resolve("state"));
        List<String> seen = new ArrayList<>();
        Engine engine = new TestEngine() {
            @Override
            public ExitCode receive(PairSession s) {
                seen.add(s.pair().name() + " listens on " + s.pair().secondary() + " via " + s.hypervisor().backend());
                seen.add(state.read("web1").orElseThrow().role().token());
                return ExitCode.OK;
            }
        };
        Run r = Run.of(engine, state.path(), "receive", "-e", "--config", cfg.toString(), "--backend", "sim",
                "-incoming", "kemari:tcp:0:4444");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(seen).containsExactly("web1 listens on 0.0.0.0:4444 via sim", "secondary");
        assertThat(state.read("web1")).isEmpty();
    }

    @Test
    void remusIntervalMakesEventModeHybridUnlessTheModeIsGiven() throws IOException {
        assumeTrue(backendPresent("sim"), "the sim backend is not in this build");
        Path cfg = example();
        List<String> modes = new ArrayList<>();
        Engine engine = new TestEngine() {
            @Override
            public ExitCode receive(PairSession s) {
                modes.add(s.pair().sync().mode().token() + " " + s.pair().sync().interval().toMillis());
                return ExitCode.OK;
            }
        };
        for (List<String> extra : List.of(List.of("-i", "100"), List.of("-i", "100", "--sync-mode", "event"),
                List.of("--sync-mode", "periodic", "-i", "50"))) {
            List<String> args = new ArrayList<>(List.of("receive", "-e", "--config", cfg.toString(), "--backend", "sim",
                    "-incoming", "kemari:tcp:0:4444"));
            args.addAll(extra);
            assertThat(Run.of(engine, dir.resolve("state"), args.toArray(String[]::new)).code()).isZero();
        }
        assertThat(modes).containsExactly("hybrid 100", "event 100", "periodic 50");
    }

    @Test
    void devicesFromOptionsComeTogether() throws IOException {
        assumeTrue(backendPresent("sim"), "the sim backend is not in this build");
        List<Devices> seen = new ArrayList<>();
        Engine engine = new TestEngine() {
            @Override
            public ExitCode receive(PairSession s) {
                seen.add(s.pair().devices());
                return ExitCode.OK;
            }
        };
        String[] base = {"receive", "-e", "--config", example().toString(), "--backend", "sim", "-incoming",
            "kemari:tcp:0:4444"};
        List<String> args = new ArrayList<>(List.of(base));
        args.addAll(List.of("--disk", "g.img", "--net", "sink:9"));
        assertThat(Run.of(engine, dir.resolve("state"), args.toArray(String[]::new)).code()).isZero();
        assertThat(seen).containsExactly(new Devices(Path.of("g.img").toAbsolutePath(), new Endpoint("sink", 9)));

        List<String> half = new ArrayList<>(List.of(base));
        half.addAll(List.of("--disk", "g.img"));
        assertThat(Run.of(engine, dir.resolve("state"), half.toArray(String[]::new)).errorLine())
                .isEqualTo("kemari: receive: --disk and --net go together: the guest's devices are served as a pair");
    }

    @Test
    void stackTracesOnlyWithDebug() {
        Engine broken = new TestEngine() {
            @Override
            public ExitCode bench(Invocation in) {
                throw new IllegalStateException("ring index out of step");
            }
        };
        Run quiet = Run.of(broken, dir, "bench");
        assertThat(quiet.code()).isEqualTo(1);
        assertThat(quiet.errorLine()).isEqualTo("kemari: bench: internal error: java.lang.IllegalStateException:"
                + " ring index out of step (rerun with --debug for the stack trace)");

        Run debug = Run.of(broken, dir, "bench", "--debug");
        assertThat(debug.err()).startsWith("kemari: bench: internal error: java.lang.IllegalStateException: ring index"
                + " out of step\n").contains("\tat org.kemari.cli.");
    }

    @Test
    void strayArgumentsAreRefused() {
        assertThat(kemari("status", "web1").errorLine()).isEqualTo("kemari: status: unexpected argument 'web1';"
                + " see 'kemari status --help'");
    }

    @Test
    void versionNamesBackends() {
        Run r = kemari("version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("kemari ");
        for (HypervisorProvider p : Hypervisors.providers()) {
            assertThat(r.out()).contains("backend " + p.name() + ": ");
        }
    }

    @Test
    void exitCodesAreDocumentedInTheManPage() throws IOException {
        String man = Files.readString(Path.of("../docs/kemari.1.md"));
        for (ExitCode c : ExitCode.values()) {
            Matcher m = Pattern.compile("\\| *" + c.code() + " *\\| *`" + c.name() + "` *\\|").matcher(man);
            assertThat(m.find()).as("docs/kemari.1.md documents exit code %d %s", c.code(), c.name()).isTrue();
        }
        assertThat(kemari("help", "exit-codes").out()).contains(" 7  FAILED_OVER ");
    }

    static boolean backendPresent(String name) {
        return Hypervisors.providers().stream().anyMatch(p -> p.name().equals(name));
    }
}
