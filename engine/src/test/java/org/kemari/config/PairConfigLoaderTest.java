package org.kemari.config;

import org.kemari.tap.SyncMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairConfigLoaderTest {
    /** The documented example, read where the docs keep it, so docs and code cannot drift apart. */
    static final Path EXAMPLE = Path.of("../docs/example-pair.yaml");

    @TempDir
    Path dir;

    private final PairConfigLoader loader = new PairConfigLoader();

    @BeforeEach
    void tlsFiles() throws IOException {
        Files.createDirectories(dir.resolve("tls"));
        for (String f : List.of("dom0.crt", "dom0.key", "ca.crt")) {
            Files.writeString(dir.resolve("tls").resolve(f), "PEM\n");
        }
    }

    static String minimal(String security) {
        return "domain: web1\nprimary: a:8102\nsecondary: b\nwitness:\n  lease-file: /srv/l\n" + security;
    }

    private PairConfig parse(String yaml) {
        return loader.parse(yaml, "pair.yaml", dir, "pair");
    }

    private ConfigException failure(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("config was accepted:\n" + yaml);
    }

    @Test
    void exampleFromDocsLoadsIntoTypedRecords() throws IOException {
        PairConfig c = loader.parse(Files.readString(EXAMPLE), EXAMPLE.toString(), dir, "example-pair");

        assertThat(c.name()).isEqualTo("web1");
        assertThat(c.domain()).isEqualTo("web1");
        assertThat(c.primary()).isEqualTo(new Endpoint("dom0-a.example.org", 8102));
        assertThat(c.secondary()).isEqualTo(new Endpoint("dom0-b.example.org", 8102));
        assertThat(c.backend()).isEqualTo(Backend.AUTO);
        assertThat(c.sync()).isEqualTo(new SyncPolicy(SyncMode.EVENT, Duration.ofMillis(200), Duration.ofSeconds(1), 4, true));
        assertThat(c.heartbeat()).isEqualTo(new Heartbeat(Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThat(c.witness()).isEqualTo(new Witness(Path.of("/srv/shared/kemari/web1.lease"), Duration.ofSeconds(3)));
        assertThat(c.tap()).containsExactlyInAnyOrder(TapDevice.BLOCK, TapDevice.NET);
        assertThat(c.compression()).isEqualTo(Compression.LZ4_DELTA);
        assertThat(c.devices()).isEqualTo(new Devices(Path.of("/srv/shared/kemari/web1.img"),
                new Endpoint("gw.example.org", 9000)));
        assertThat(c.security()).isEqualTo(Security.tls(dir.resolve("tls/dom0.crt"), dir.resolve("tls/dom0.key"),
                dir.resolve("tls/ca.crt")));
        assertThat(c.unsafe()).isFalse();
        assertThat(c.replica()).isEqualTo(new ReplicaDomain(Path.of("/etc/kemari/web1-replica.cfg"), null));
        assertThat(c.replicaName()).isEqualTo("web1-replica");
    }

    @Test
    void exampleLoadedInPlaceNamesTheMissingCertWithKeyPathAndLine() throws IOException {
        List<String> lines = Files.readAllLines(EXAMPLE);
        int certLine = lines.indexOf("    cert: tls/dom0.crt") + 1;

        assertThatThrownBy(() -> loader.load(EXAMPLE))
                .isInstanceOf(ConfigException.class)
                .hasMessage(EXAMPLE + ":" + certLine + ":11: missing cert file "
                        + EXAMPLE.toAbsolutePath().normalize().getParent().resolve("tls/dom0.crt") + " (security.tls.cert)");
    }

    @Test
    void defaultsFillEverythingOptional() {
        PairConfig c = parse(minimal("security:\n  insecure: true\n"));

        assertThat(c.name()).isEqualTo("pair");
        assertThat(c.secondary().port()).isEqualTo(Endpoint.DEFAULT_PORT);
        assertThat(c.sync()).isEqualTo(SyncPolicy.DEFAULT);
        assertThat(c.heartbeat()).isEqualTo(Heartbeat.DEFAULT);
        assertThat(c.witness().leaseDuration()).isEqualTo(Witness.DEFAULT_LEASE);
        assertThat(c.tap()).isEqualTo(PairConfig.ALL_DEVICES);
        assertThat(c.security().kind()).isEqualTo(Security.Kind.INSECURE);
        assertThat(c.devices()).isNull();
        assertThat(c.replica()).isNull();
        assertThat(c.replicaName()).isEqualTo("pair-replica");
    }

    @Test
    void replicaXlConfigResolvesAgainstTheConfigAndTheNameIsOptional() {
        PairConfig c = parse(minimal("security:\n  insecure: true\nreplica:\n  xl-config: g1-replica.cfg\n  name: g1-r\n"));

        assertThat(c.replica()).isEqualTo(new ReplicaDomain(dir.resolve("g1-replica.cfg"), "g1-r"));
        assertThat(c.replicaName()).isEqualTo("g1-r");
    }

    @Test
    void replicaErrorsNameKeyLineAndColumn() {
        assertThat(failure(minimal("security:\n  insecure: true\nreplica:\n  name: r1\n")).getMessage())
                .isEqualTo("pair.yaml:9:3: missing required key 'replica.xl-config' (the xl config `xl create -p` builds the replica from)");
        assertThat(failure(minimal("security:\n  insecure: true\nreplica:\n  xl-config: r.cfg\n  name: web1\n")).getMessage())
                .isEqualTo("pair.yaml:10:9: replica name 'web1' is the guest's own name; on one host (or after a failover)"
                        + " the two would be confused");
        assertThat(failure(minimal("security:\n  insecure: true\nreplica:\n  xl-config: r.cfg\n  name: 'a b'\n")).getMessage())
                .startsWith("pair.yaml:10:9: replica name 'a b' must be 1-64 letters");
        assertThat(failure(minimal("security:\n  insecure: true\nreplica:\n  xl-cfg: r.cfg\n")).getMessage())
                .startsWith("pair.yaml:9:3: unknown key 'replica.xl-cfg'");
    }

    @Test
    void devicesNeedBothEntriesAndResolveTheDiskAgainstTheConfig() {
        assertThat(parse(minimal("security:\n  insecure: true\ndevices:\n  disk: web1.img\n  net: gw:9000\n"))
                .devices().disk()).isEqualTo(dir.resolve("web1.img"));
        assertThat(failure(minimal("security:\n  insecure: true\ndevices:\n  disk: web1.img\n")).getMessage())
                .isEqualTo("pair.yaml:9:3: missing required key 'devices.net' (host:port the guest's packets go to)");
    }

    @Test
    void anEmulatedDiskIsThisHostsOwnImageAndHoldsNothing() {
        String emulated = "security:\n  insecure: true\ndevices:\n  disk: web1.img\n  nbd: /run/kemari/web1.nbd\n";
        Devices d = parse(minimal(emulated + "tap: []\nunsafe: true\n")).devices();
        assertThat(d).isEqualTo(new Devices(dir.resolve("web1.img"), null, Path.of("/run/kemari/web1.nbd"), null));
        assertThat(d.emulated()).isTrue();
        assertThat(failure(minimal(emulated)).getMessage()).contains("tap lists block").contains("each host keeps its own image");
        assertThat(failure(minimal(emulated + "tap: net\n")).getMessage()).contains("tap lists net, but devices has no net");
        assertThat(failure(minimal(emulated.replace("/run/kemari/web1.nbd", "web1.nbd") + "tap: []\nunsafe: true\n")).getMessage())
                .startsWith("pair.yaml:10:").contains("NBD socket web1.nbd must be an absolute path");
    }

    @Test
    void anEmulatedNicNeedsItsSocketAndWhereItsFramesGo() {
        String both = "security:\n  insecure: true\ndevices:\n  disk: web1.img\n  nbd: /run/kemari/web1.nbd\n";
        Devices d = parse(minimal(both + "  netdev: /run/kemari/web1.net\n  net: gw:9000\ntap: net\n")).devices();
        assertThat(d).isEqualTo(new Devices(dir.resolve("web1.img"), new Endpoint("gw", 9000), Path.of("/run/kemari/web1.nbd"),
                Path.of("/run/kemari/web1.net")));
        assertThat(d.deviceModelArgs()).containsExactly("-drive",
                "driver=raw,file.driver=nbd,file.server.type=unix,file.server.path=/run/kemari/web1.nbd,file.reconnect-delay=10,if=ide",
                "-netdev", "stream,id=kemari-net0,server=on,addr.type=unix,addr.path=/run/kemari/web1.net",
                "-device", "e1000,netdev=kemari-net0,romfile=");
        assertThat(failure(minimal(both + "  netdev: /run/kemari/web1.net\ntap: net\n")).getMessage())
                .contains("missing required key 'devices.net'");
        assertThat(failure(minimal(both + "  net: gw:9000\ntap: net\n")).getMessage())
                .contains("devices.net with devices.nbd needs devices.netdev");
        assertThat(failure(minimal("security:\n  insecure: true\ndevices:\n  disk: a.img\n  net: gw:9\n  netdev: /run/n\n"))
                .getMessage()).contains("devices.netdev is QEMU's emulated NIC").contains("needs devices.nbd");
    }

    @Test
    void malformedYamlIsReportedAtLineAndColumn() {
        ConfigException e = failure("domain: web1\nprimary: [a\nsecondary: b\n");

        assertThat(e.getMessage()).startsWith("pair.yaml:3:").contains("malformed YAML");
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void tabIndentationIsMalformed() {
        assertThat(failure("sync:\n\tmode: event\n").getMessage()).startsWith("pair.yaml:2:1: malformed YAML");
    }

    @Test
    void duplicateKeyIsRejectedAtTheSecondOccurrence() {
        assertThat(failure("domain: a\nprimary: a\ndomain: b\n").getMessage())
                .isEqualTo("pair.yaml:3:1: duplicate key 'domain' (first set at line 1)");
    }

    @Test
    void unknownTopLevelKeySuggestsTheClosest() {
        assertThat(failure("domain: a\nhearbeat:\n  interval: 1s\n").getMessage())
                .startsWith("pair.yaml:2:1: unknown key 'hearbeat' (did you mean 'heartbeat'?); expected one of: pair,");
    }

    @Test
    void unknownNestedKeyIsNamedWithItsPath() {
        assertThat(failure(minimal("security:\n  insecure: true\nsync:\n  intervall: 5s\n")).getMessage())
                .startsWith("pair.yaml:9:3: unknown key 'sync.intervall' (did you mean 'interval'?)");
    }

    @Test
    void unknownKeyWithNothingCloseGetsNoGuess() {
        assertThat(failure("colour: blue\n").getMessage()).startsWith("pair.yaml:1:1: unknown key 'colour'; expected");
    }

    @Test
    void portOutOfRange() {
        assertThat(failure("domain: a\nprimary: host-a:70000\n").getMessage())
                .isEqualTo("pair.yaml:2:10: primary: port 70000 is out of range (expected 1-65535)");
    }

    @Test
    void portNotANumber() {
        assertThat(failure("domain: a\nprimary: a\nsecondary: host-b:http\n").getMessage())
                .isEqualTo("pair.yaml:3:12: secondary: port 'http' is not a number (expected 1-65535)");
    }

    @Test
    void durationWithoutUnit() {
        assertThat(failure(minimal("security:\n  insecure: true\nheartbeat:\n  timeout: 200\n")).getMessage())
                .isEqualTo("pair.yaml:9:12: heartbeat.timeout: expected a duration such as 200ms, 5s or 2m, got '200'");
    }

    @Test
    void integerKeyGivenText() {
        assertThat(failure(minimal("security:\n  insecure: true\nsync:\n  max-in-flight: many\n")).getMessage())
                .isEqualTo("pair.yaml:9:18: sync.max-in-flight: expected an integer, got 'many'");
    }

    @Test
    void groupCommitIsOnUnlessTurnedOffAndMustBeABoolean() {
        assertThat(parse(minimal("security:\n  insecure: true\n")).sync().groupCommit()).isTrue();
        assertThat(parse(minimal("security:\n  insecure: true\nsync:\n  group-commit: false\n")).sync().groupCommit()).isFalse();
        assertThat(failure(minimal("security:\n  insecure: true\nsync:\n  group-commit: sometimes\n")).getMessage())
                .isEqualTo("pair.yaml:9:17: sync.group-commit: expected true or false, got 'sometimes'");
    }

    @Test
    void outOfRangeValueIsReportedWhereItIsSet() {
        assertThat(failure(minimal("security:\n  insecure: true\nsync:\n  max-in-flight: 0\n")).getMessage())
                .isEqualTo("pair.yaml:9:18: max-in-flight 0 is out of range (expected 1-64)");
    }

    @Test
    void enumValueListsTheChoices() {
        assertThat(failure(minimal("security:\n  insecure: true\ncompression: gzip\n")).getMessage())
                .isEqualTo("pair.yaml:8:14: compression: expected one of none|zero|lz4-delta, got 'gzip'");
    }

    @Test
    void missingRequiredKey() {
        assertThat(failure("domain: a\nsecondary: b\n").getMessage())
                .isEqualTo("pair.yaml:1:1: missing required key 'primary' (host:port)");
    }

    @Test
    void securityMustBeChosenExactlyOnce() {
        assertThat(failure(minimal("")).getMessage()).contains("missing required key 'security'");
        assertThat(failure(minimal("security:\n  insecure: true\n  psk-file: k\n")).getMessage())
                .startsWith("pair.yaml:7:3: security: choose exactly one of").endsWith("not several");
    }

    @Test
    void missingPskFileNamesKeyAndPath() {
        assertThat(failure(minimal("security:\n  psk-file: keys/web1.psk\n")).getMessage())
                .isEqualTo("pair.yaml:7:13: missing psk-file file " + dir.resolve("keys/web1.psk")
                        + " (security.psk-file)");
    }

    @Test
    void heartbeatTimeoutMustCoverTwoIntervals() {
        assertThat(failure(minimal("security:\n  insecure: true\nheartbeat:\n  interval: 1s\n  timeout: 1500ms\n"))
                .getMessage()).isEqualTo("pair.yaml:10:12: timeout 1500ms must be at least twice the heartbeat interval 1s");
    }

    @Test
    void noWitnessOrNoTapNeedsUnsafe() {
        String base = "domain: a\nprimary: a\nsecondary: b\nsecurity:\n  insecure: true\n";
        assertThat(failure(base).getMessage()).contains("no witness lease").contains("unsafe: true");
        assertThat(parse(base + "unsafe: true\n").witness()).isNull();
        assertThat(failure(minimal("security:\n  insecure: true\ntap: []\n")).getMessage()).contains("tapping no devices");
        assertThat(parse(minimal("security:\n  insecure: true\ntap: []\nunsafe: true\n")).tap()).isEmpty();
    }

    @Test
    void sameEndpointTwiceIsRefused() {
        assertThat(failure("domain: a\nprimary: h\nsecondary: h:8102\nunsafe: true\nsecurity: {insecure: true}\n")
                .getMessage()).isEqualTo("pair.yaml:3:12: secondary h:8102 is the same endpoint as primary");
    }

    @Test
    void explicitTagsAreNotResolved() {
        assertThat(failure("domain: !!javax.script.ScriptEngineManager x\n").getMessage())
                .isEqualTo("pair.yaml:1:9: malformed YAML: Global tag is not allowed:"
                        + " tag:yaml.org,2002:javax.script.ScriptEngineManager");
        assertThat(failure("domain: !local x\n").getMessage())
                .isEqualTo("pair.yaml:1:9: domain: YAML tag !local is not allowed");
    }

    @Test
    void badPairNameIsReported() {
        assertThat(failure("pair: ../etc\n" + minimal("security:\n  insecure: true\n")).getMessage())
                .startsWith("pair.yaml:1:7: pair name '../etc' must be");
    }

    @Test
    void emptyAndMissingFiles() {
        assertThat(failure("# nothing\n").getMessage()).startsWith("pair.yaml:1:1: empty config");
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml"))).hasMessageEndingWith("nope.yaml:1:1: no such file");
    }
}
