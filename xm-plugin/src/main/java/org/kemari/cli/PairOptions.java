package org.kemari.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.kemari.config.Backend;
import org.kemari.config.Compression;
import org.kemari.config.Devices;
import org.kemari.config.Durations;
import org.kemari.config.Endpoint;
import org.kemari.config.Heartbeat;
import org.kemari.config.PairConfig;
import org.kemari.config.PairConfigLoader;
import org.kemari.config.Security;
import org.kemari.tap.SyncMode;
import org.kemari.config.SyncPolicy;
import org.kemari.config.TapDevice;
import org.kemari.config.Token;
import org.kemari.config.Violation;
import org.kemari.config.Witness;

/**
 * The options that describe a pair, shared by protect, receive and the pair-selecting verbs,
 * and how they combine with a pairing config: the file gives the base, options override it,
 * and the result is checked by the same rules as the file alone.
 */
final class PairOptions {
    static final String CONFIG = "config";
    static final String PAIR = "pair";
    static final String STATE_DIR = "state-dir";
    // xl remus parity: same letters, same meaning where Kemari has the same notion.
    static final String INTERVAL = "i";
    static final String NO_COMPRESSION = "u";
    static final String NO_NET_BUFFERING = "n";
    static final String NO_BLOCK_TAP = "d";
    static final String UNSAFE = "F";
    static final String REMOTE_COMMAND = "s";
    static final String FOREGROUND = "e";
    // Kemari's own.
    static final String SYNC_MODE = "sync-mode";
    static final String TAP = "tap";
    static final String HEARTBEAT_INTERVAL = "heartbeat-interval";
    static final String HEARTBEAT_TIMEOUT = "heartbeat-timeout";
    static final String WITNESS = "witness";
    static final String BACKEND = "backend";
    static final String TLS_CERT = "tls-cert";
    static final String TLS_KEY = "tls-key";
    static final String TLS_CA = "tls-ca";
    static final String PSK_FILE = "psk-file";
    static final String INSECURE = "insecure";
    static final String PRIMARY = "primary";
    static final String DISK = "disk";
    static final String NET = "net";
    static final String INCOMING = "incoming";
    static final String MANUAL_FAILOVER = "manual-failover";

    /** Which option sets a config key, so a rule broken by an option is reported against it. */
    private static final Map<String, List<String>> OPTIONS_FOR_KEY = Map.ofEntries(
            Map.entry("pair", List.of(PAIR)),
            Map.entry("primary", List.of(PRIMARY)),
            Map.entry("sync.mode", List.of(SYNC_MODE)),
            Map.entry("sync.interval", List.of(INTERVAL)),
            Map.entry("sync.max-epoch-interval", List.of(INTERVAL)),
            Map.entry("heartbeat.interval", List.of(HEARTBEAT_INTERVAL)),
            Map.entry("heartbeat.timeout", List.of(HEARTBEAT_TIMEOUT)),
            Map.entry("witness", List.of(WITNESS)),
            Map.entry("witness.lease-file", List.of(WITNESS)),
            Map.entry("tap", List.of(TAP, NO_NET_BUFFERING, NO_BLOCK_TAP)),
            Map.entry("security.tls.cert", List.of(TLS_CERT)),
            Map.entry("security.tls.key", List.of(TLS_KEY)),
            Map.entry("security.tls.ca", List.of(TLS_CA)),
            Map.entry("security.psk-file", List.of(PSK_FILE)));

    private PairOptions() {
    }

    /** --config, --pair, --state-dir: for verbs that act on a pair by name or config. */
    static Options selection() {
        Options o = new Options();
        o.addOption(arg(null, CONFIG, "file", "pairing config (YAML); see kemari(1) and docs/config-reference.md"));
        o.addOption(arg(null, PAIR, "name", "pair name (default: the config file's pair, else the domain name)"));
        o.addOption(arg(null, STATE_DIR, "dir", "where pair daemons publish state (default $KEMARI_STATE_DIR or "
                + Invocation.DEFAULT_STATE_DIR + ")"));
        return o;
    }

    /** Everything that shapes replication; {@code sender} adds the primary-only options. */
    static Options replication(boolean sender) {
        Options o = selection();
        o.addOption(arg(INTERVAL, "interval", "ms", "sync interval in milliseconds (or 200ms, 1s) for periodic and"
                + " hybrid mode; as xl remus -i. Turns event mode into hybrid unless --sync-mode is given"));
        o.addOption(flag(NO_COMPRESSION, "no-compression", "send pages uncompressed; as xl remus -u"));
        o.addOption(flag(NO_NET_BUFFERING, "no-net-buffering", "do not hold network output until its epoch is"
                + " acknowledged (needs -F); as xl remus -n"));
        o.addOption(flag(NO_BLOCK_TAP, "no-block-tap", "do not hold block writes until their epoch is acknowledged"
                + " (needs -F); the counterpart of xl remus -d"));
        o.addOption(flag(UNSAFE, "unsafe", "allow configurations that cannot guarantee a correct failover; as xl remus -F"));
        o.addOption(flag(FOREGROUND, "no-daemonize", "stay in the foreground (systemd, Pacemaker); as xl remus -e"));
        o.addOption(arg(null, SYNC_MODE, "mode", "what triggers an epoch: " + Token.choices(SyncMode.class, SyncMode::token)));
        o.addOption(arg(null, TAP, "devices", "devices whose output is held: block,net | block | net | none"));
        o.addOption(arg(null, HEARTBEAT_INTERVAL, "duration", "heartbeat period, e.g. 100ms"));
        o.addOption(arg(null, HEARTBEAT_TIMEOUT, "duration", "silence after which the primary is presumed dead, e.g. 1s"));
        o.addOption(arg(null, WITNESS, "path", "witness lease file on storage both hosts share"));
        o.addOption(arg(null, BACKEND, "backend", "hypervisor backend: " + Token.choices(Backend.class)));
        o.addOption(arg(null, TLS_CERT, "file", "this host's certificate (PEM), with --tls-key and --tls-ca"));
        o.addOption(arg(null, TLS_KEY, "file", "this host's private key (PEM)"));
        o.addOption(arg(null, TLS_CA, "file", "CA that signed the peer's certificate (PEM)"));
        o.addOption(arg(null, PSK_FILE, "file", "pre-shared key file, instead of TLS certificates"));
        o.addOption(flag(null, INSECURE, "no authentication or encryption (test networks only)"));
        o.addOption(arg(null, PRIMARY, "host[:port]", "the primary's endpoint (default: this host)"));
        o.addOption(arg(null, DISK, "image", "the guest's raw disk image on shared storage, served by kemari"
                + " (devices.disk; with --net)"));
        o.addOption(arg(null, NET, "host:port", "where the guest's transmitted packets go (devices.net; with --disk)"));
        if (sender) {
            o.addOption(arg(REMOTE_COMMAND, "ssh", "command", "start the receiver with '<command> <host> kemari receive"
                    + " -e ...' (run by sh); as xl remus -s. Default: it is already running"));
        } else {
            o.addOption(Option.builder(INCOMING).hasArg().argName("kemari:tcp:addr:port")
                    .desc("listen here for the primary, as the original Kemari's -incoming (addr 0 = any)").get());
            o.addOption(Option.builder().longOpt(MANUAL_FAILOVER)
                    .desc("when the primary is lost, keep the replica paused until 'kemari failover' asks"
                            + " (a cluster manager decides; the OCF agent starts receivers so)").get());
        }
        return o;
    }

    /** A receiver started without a config accepts whichever primary authenticates. */
    static final Endpoint ANY_PRIMARY = new Endpoint("*", Endpoint.DEFAULT_PORT);

    /**
     * The pair these options describe: the --config file (if any) overridden by options,
     * {@code domain} and {@code secondary} (positional, may be null). Without a config,
     * {@code primary} is the primary endpoint unless --primary says otherwise.
     */
    static PairConfig resolve(Invocation in, String domain, String secondary, Endpoint primary) {
        PairConfig base;
        if (in.has(CONFIG)) {
            base = new PairConfigLoader().load(Path.of(in.value(CONFIG)));
        } else {
            if (domain == null || secondary == null) {
                throw new CliException(ExitCode.USAGE, "give --config <file>, or the domain and the secondary"
                        + " host[:port]; see 'kemari " + in.verb() + " --help'");
            }
            base = new PairConfig(in.has(PAIR) ? in.value(PAIR) : domain, domain, primary,
                    endpoint(secondary, "secondary"), Backend.AUTO, SyncPolicy.DEFAULT, Heartbeat.DEFAULT, null,
                    PairConfig.ALL_DEVICES, Compression.LZ4_DELTA, securityRequired(in), false, null, null);
        }
        PairConfig c = override(in, base, domain, secondary);
        List<Violation> broken = c.violations();
        if (!broken.isEmpty()) {
            Violation v = broken.get(0);
            String where = OPTIONS_FOR_KEY.getOrDefault(v.key(), List.of()).stream().filter(in::has).findFirst()
                    .map(o -> optionName(in, o)).orElse(in.has(CONFIG) ? in.value(CONFIG) : "options");
            throw new CliException(ExitCode.CONFIG, where + ": " + v.message());
        }
        return c;
    }

    private static PairConfig override(Invocation in, PairConfig b, String domain, String secondary) {
        SyncPolicy sync = b.sync();
        if (in.has(SYNC_MODE)) {
            sync = sync.withMode(parse(in, SYNC_MODE, t -> Token.parse(SyncMode.class, SyncMode::token, t)));
        }
        if (in.has(INTERVAL)) {
            sync = sync.withInterval(parse(in, INTERVAL, PairOptions::millis));
            // Event mode has no period; an interval asked for as with xl remus means "at least this often".
            if (sync.mode() == SyncMode.EVENT && !in.has(SYNC_MODE)) {
                sync = sync.withMode(SyncMode.HYBRID);
            }
        }
        Heartbeat hb = new Heartbeat(
                in.has(HEARTBEAT_INTERVAL) ? parse(in, HEARTBEAT_INTERVAL, Durations::parse) : b.heartbeat().interval(),
                in.has(HEARTBEAT_TIMEOUT) ? parse(in, HEARTBEAT_TIMEOUT, Durations::parse) : b.heartbeat().timeout());
        Witness witness = b.witness();
        if (in.has(WITNESS)) {
            witness = new Witness(Path.of(in.value(WITNESS)).toAbsolutePath(),
                    witness == null ? Witness.DEFAULT_LEASE : witness.leaseDuration());
        }
        Set<TapDevice> tap = EnumSet.noneOf(TapDevice.class);
        tap.addAll(in.has(TAP) ? parse(in, TAP, PairOptions::devices) : b.tap());
        if (in.has(NO_NET_BUFFERING)) {
            tap.remove(TapDevice.NET);
        }
        if (in.has(NO_BLOCK_TAP)) {
            tap.remove(TapDevice.BLOCK);
        }
        Endpoint secondaryEndpoint = secondary != null ? endpoint(secondary, "secondary") : b.secondary();
        if (in.has(INCOMING)) {
            secondaryEndpoint = incoming(in);
        }
        return new PairConfig(
                in.has(PAIR) ? in.value(PAIR) : b.name(),
                domain != null ? domain : b.domain(),
                in.has(PRIMARY) ? parse(in, PRIMARY, Endpoint::parse) : b.primary(),
                secondaryEndpoint,
                in.has(BACKEND) ? parse(in, BACKEND, t -> Token.parse(Backend.class, t)) : b.backend(),
                sync, hb, witness, tap,
                in.has(NO_COMPRESSION) ? Compression.NONE : b.compression(),
                security(in).orElse(b.security()),
                b.unsafe() || in.has(UNSAFE), devices(in, b.devices()), b.replica());
    }

    private static Devices devices(Invocation in, Devices base) {
        if (!in.has(DISK) && !in.has(NET)) {
            return base;
        }
        if (!in.has(DISK) || !in.has(NET)) {
            throw new CliException(ExitCode.USAGE, "--disk and --net go together: the guest's devices are"
                    + " served as a pair");
        }
        return new Devices(Path.of(in.value(DISK)).toAbsolutePath(), parse(in, NET, Endpoint::parse));
    }

    private static Security securityRequired(Invocation in) {
        return security(in).orElseThrow(() -> new CliException(ExitCode.USAGE, "no authentication chosen: give"
                + " --tls-cert, --tls-key and --tls-ca, or --psk-file, or --insecure"));
    }

    private static Optional<Security> security(Invocation in) {
        boolean tls = in.has(TLS_CERT) || in.has(TLS_KEY) || in.has(TLS_CA);
        int chosen = (tls ? 1 : 0) + (in.has(PSK_FILE) ? 1 : 0) + (in.has(INSECURE) ? 1 : 0);
        if (chosen > 1) {
            throw new CliException(ExitCode.USAGE, "choose one of --tls-*, --psk-file or --insecure");
        }
        if (tls) {
            for (String o : List.of(TLS_CERT, TLS_KEY, TLS_CA)) {
                if (!in.has(o)) {
                    throw new CliException(ExitCode.USAGE, "TLS needs --tls-cert, --tls-key and --tls-ca; --" + o
                            + " is missing");
                }
            }
            return Optional.of(Security.tls(file(in, TLS_CERT), file(in, TLS_KEY), file(in, TLS_CA)));
        }
        if (in.has(PSK_FILE)) {
            return Optional.of(Security.psk(file(in, PSK_FILE)));
        }
        return in.has(INSECURE) ? Optional.of(Security.insecure()) : Optional.empty();
    }

    private static Path file(Invocation in, String option) {
        return Path.of(in.value(option)).toAbsolutePath();
    }

    private static <T> T parse(Invocation in, String option, Function<String, T> parser) {
        try {
            return parser.apply(in.value(option));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, optionName(in, option) + ": " + e.getMessage());
        }
    }

    /** The option's long name if it has one (-i reads as --interval), for error messages. */
    private static String optionName(Invocation in, String option) {
        for (Option o : in.line().getOptions()) {
            if (option.equals(o.getOpt()) || option.equals(o.getLongOpt())) {
                return o.getLongOpt() != null ? "--" + o.getLongOpt() : "-" + o.getOpt();
            }
        }
        return option.length() == 1 ? "-" + option : "--" + option;
    }

    private static Endpoint endpoint(String text, String what) {
        try {
            return Endpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, what + " '" + text + "': " + e.getMessage());
        }
    }

    /** xl remus -i takes plain milliseconds; a unit is accepted too. */
    static Duration millis(String text) {
        return text.matches("\\d{1,9}") ? Duration.ofMillis(Long.parseLong(text)) : Durations.parse(text);
    }

    static Set<TapDevice> devices(String text) {
        Set<TapDevice> out = EnumSet.noneOf(TapDevice.class);
        if (text.equals("none")) {
            return out;
        }
        for (String d : text.split(",", -1)) {
            try {
                out.add(Token.parse(TapDevice.class, d.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected block,net | block | net | none, got '" + text + "'");
            }
        }
        return out;
    }

    /** The -incoming listen endpoint. */
    static Endpoint incoming(Invocation in) {
        return parse(in, INCOMING, PairOptions::incoming);
    }

    /** The original Kemari's "kemari:tcp:addr:port"; addr 0 means every address, as in QEMU. */
    static Endpoint incoming(String text) {
        String prefix = "kemari:tcp:";
        if (!text.startsWith(prefix)) {
            throw new IllegalArgumentException("expected kemari:tcp:addr:port, got '" + text + "'");
        }
        Endpoint e = Endpoint.parse(text.substring(prefix.length()));
        return e.host().equals("0") ? new Endpoint("0.0.0.0", e.port()) : e;
    }

    static Endpoint localEndpoint() {
        try {
            return new Endpoint(InetAddress.getLocalHost().getHostName(), Endpoint.DEFAULT_PORT);
        } catch (UnknownHostException e) {
            return new Endpoint("localhost", Endpoint.DEFAULT_PORT);
        }
    }

    private static Option flag(String shortName, String longName, String description) {
        return Option.builder(shortName).longOpt(longName).desc(description).get();
    }

    private static Option arg(String shortName, String longName, String argName, String description) {
        return Option.builder(shortName).longOpt(longName).hasArg().argName(argName).desc(description).get();
    }

    /** Every option name of {@code options}, as typed (for did-you-mean). */
    static List<String> spellings(Options options) {
        List<String> names = new ArrayList<>();
        for (Option o : options.getOptions()) {
            if (o.getOpt() != null) {
                names.add("-" + o.getOpt());
            }
            if (o.getLongOpt() != null) {
                names.add("--" + o.getLongOpt());
            }
        }
        return names;
    }
}
