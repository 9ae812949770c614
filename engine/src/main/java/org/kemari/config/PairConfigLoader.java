package org.kemari.config;

import org.kemari.tap.SyncMode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a pairing config (docs/config-reference.md) into a {@link PairConfig}. The first
 * problem found is thrown as a {@link ConfigException} located at file:line:column.
 */
public final class PairConfigLoader {
    static final Set<String> TOP = keys("pair", "domain", "primary", "secondary", "backend", "sync", "heartbeat",
            "witness", "tap", "compression", "security", "unsafe", "devices", "replica");
    static final Set<String> SYNC = keys("mode", "interval", "max-epoch-interval", "max-in-flight", "group-commit");
    static final Set<String> HEARTBEAT = keys("interval", "timeout");
    static final Set<String> WITNESS = keys("lease-file", "lease-duration");
    static final Set<String> SECURITY = keys("tls", "psk-file", "insecure");
    static final Set<String> TLS = keys("cert", "key", "ca");
    static final Set<String> DEVICES = keys("disk", "net", "nbd", "netdev");
    static final Set<String> REPLICA = keys("xl-config", "name");

    private static final int MAX_CONFIG_CHARS = 1 << 20;

    /** Loads {@code file}; relative paths inside it are relative to the file's directory. */
    public PairConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 1, 1, "no such file");
        } catch (MalformedInputException e) {
            throw new ConfigException(file.toString(), 1, 1, "not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 1, 1, "cannot read: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().normalize().getParent();
        return parse(text, file.toString(), dir, defaultName(file));
    }

    /**
     * Parses config text. {@code source} names it in errors, {@code baseDir} anchors relative
     * paths, {@code defaultName} is the pair name when the text has no {@code pair:} key.
     */
    public PairConfig parse(String text, String source, Path baseDir, String defaultName) {
        Node root;
        try {
            root = yaml().compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new ConfigException(source, m.getLine() + 1, m.getColumn() + 1,
                    "malformed YAML: " + oneLine(e.getProblem() != null ? e.getProblem() : e.getContext()));
        } catch (YAMLException e) {
            throw new ConfigException(source, 1, 1, "malformed YAML: " + oneLine(e.getMessage()));
        }
        if (root == null) {
            throw new ConfigException(source, 1, 1, "empty config (expected domain, primary, secondary, security)");
        }
        Map<String, Mark> marks = new HashMap<>();
        YamlSection top = YamlSection.root(source, root, TOP, marks);
        PairConfig config = read(top, baseDir, defaultName);
        List<Violation> violations = config.violations();
        if (!violations.isEmpty()) {
            Violation v = violations.get(0);
            Mark at = marks.getOrDefault(v.key(), root.getStartMark());
            throw top.error(at, v.message());
        }
        return config;
    }

    private static PairConfig read(YamlSection top, Path baseDir, String defaultName) {
        String name = top.string("pair").orElse(defaultName);
        String domain = top.required(top.string("domain"), "domain", "the guest's name or domid");
        Endpoint primary = top.required(top.value("primary", Endpoint::parse), "primary", "host:port");
        Endpoint secondary = top.required(top.value("secondary", Endpoint::parse), "secondary", "host:port");
        Backend backend = top.value("backend", t -> Token.parse(Backend.class, t)).orElse(Backend.AUTO);

        YamlSection s = top.section("sync", SYNC);
        SyncPolicy d = SyncPolicy.DEFAULT;
        SyncPolicy sync = new SyncPolicy(
                s.value("mode", t -> Token.parse(SyncMode.class, SyncMode::token, t)).orElse(d.mode()),
                s.value("interval", Durations::parse).orElse(d.interval()),
                s.value("max-epoch-interval", Durations::parse).orElse(d.maxEpochInterval()),
                s.integer("max-in-flight").orElse(d.maxInFlight()),
                s.bool("group-commit").orElse(d.groupCommit()));

        YamlSection h = top.section("heartbeat", HEARTBEAT);
        Heartbeat heartbeat = new Heartbeat(
                h.value("interval", Durations::parse).orElse(Heartbeat.DEFAULT.interval()),
                h.value("timeout", Durations::parse).orElse(Heartbeat.DEFAULT.timeout()));

        Witness witness = null;
        if (top.has("witness")) {
            YamlSection w = top.section("witness", WITNESS);
            witness = new Witness(
                    w.required(w.value("lease-file", Path::of), "lease-file", "an absolute path on shared storage"),
                    w.value("lease-duration", Durations::parse).orElse(Witness.DEFAULT_LEASE));
        }
        Set<TapDevice> tap = top.listOf("tap", t -> Token.parse(TapDevice.class, t))
                .<Set<TapDevice>>map(l -> l.isEmpty() ? EnumSet.noneOf(TapDevice.class) : EnumSet.copyOf(l))
                .orElse(PairConfig.ALL_DEVICES);
        Compression compression = top.value("compression", t -> Token.parse(Compression.class, t))
                .orElse(Compression.LZ4_DELTA);
        Security security = security(top, baseDir);
        boolean unsafe = top.bool("unsafe").orElse(false);
        Devices devices = null;
        if (top.has("devices")) {
            YamlSection dv = top.section("devices", DEVICES);
            Path nbd = dv.value("nbd", Path::of).orElse(null);
            Path disk = dv.required(dv.value("disk", Path::of), "disk",
                    nbd == null ? "the shared raw disk image" : "this host's own raw image of the guest's disk");
            Path netdev = dv.value("netdev", Path::of).orElse(null);
            Endpoint net = nbd == null || netdev != null
                    ? dv.required(dv.value("net", Endpoint::parse), "net", "host:port the guest's packets go to")
                    : dv.value("net", Endpoint::parse).orElse(null);
            devices = new Devices(baseDir.resolve(disk), net, nbd, netdev);
        }
        ReplicaDomain replica = null;
        if (top.has("replica")) {
            YamlSection r = top.section("replica", REPLICA);
            Path xl = r.required(r.value("xl-config", Path::of), "xl-config",
                    "the xl config `xl create -p` builds the replica from");
            replica = new ReplicaDomain(baseDir.resolve(xl), r.string("name").orElse(null));
        }
        return new PairConfig(name, domain, primary, secondary, backend, sync, heartbeat, witness, tap,
                compression, security, unsafe, devices, replica);
    }

    private static Security security(YamlSection top, Path baseDir) {
        String expected = "tls: {cert, key, ca}, psk-file: <path> or insecure: true";
        if (!top.has("security")) {
            throw top.error(top.mark(), "missing required key 'security' (" + expected + ")");
        }
        YamlSection sec = top.section("security", SECURITY);
        boolean insecure = sec.bool("insecure").orElse(false);
        int chosen = (sec.has("tls") ? 1 : 0) + (sec.has("psk-file") ? 1 : 0) + (insecure ? 1 : 0);
        if (chosen != 1) {
            throw sec.error(sec.mark(), "security: choose exactly one of " + expected
                    + (chosen == 0 ? "" : ", not several"));
        }
        if (insecure) {
            return Security.insecure();
        }
        if (sec.has("psk-file")) {
            return Security.psk(baseDir.resolve(sec.string("psk-file").orElseThrow()));
        }
        YamlSection tls = sec.section("tls", TLS);
        return Security.tls(
                baseDir.resolve(tls.required(tls.string("cert"), "cert", "certificate file, PEM")),
                baseDir.resolve(tls.required(tls.string("key"), "key", "private key file, PEM")),
                baseDir.resolve(tls.required(tls.string("ca"), "ca", "CA certificate file, PEM")));
    }

    /** Safe construction only; the node tree keeps marks. Limits stop a hostile file from exhausting memory. */
    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(16);
        options.setNestingDepthLimit(16);
        options.setCodePointLimit(MAX_CONFIG_CHARS);
        return new Yaml(new SafeConstructor(options));
    }

    private static String defaultName(Path file) {
        String n = file.getFileName().toString();
        return n.replaceFirst("\\.ya?ml$", "");
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s+", " ").trim();
    }

    private static Set<String> keys(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
