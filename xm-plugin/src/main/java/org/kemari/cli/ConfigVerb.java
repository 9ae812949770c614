package org.kemari.cli;

import org.kemari.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.kemari.config.DidYouMean;
import org.kemari.config.Durations;
import org.kemari.config.Devices;
import org.kemari.config.PairConfig;
import org.kemari.config.PairConfigLoader;
import org.kemari.config.Security;
import org.kemari.config.TapDevice;

/** `kemari config check <file>`: validate a pairing config and show what it means, fully typed. */
final class ConfigVerb implements Verb {
    private static final List<String> SUBCOMMANDS = List.of("check");

    @Override
    public String name() {
        return "config";
    }

    @Override
    public String summary() {
        return "check a pairing config and print what it resolves to";
    }

    @Override
    public String syntax() {
        return "check <file> [--json]";
    }

    @Override
    public String details() {
        return "Prints every setting with defaults filled in. Errors name file:line:column; exit 3.";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("json").desc("print the resolved config as one JSON line").get());
        return o;
    }

    @Override
    public ExitCode run(Invocation in) {
        String sub = in.arg(0, "subcommand (check)");
        if (!SUBCOMMANDS.contains(sub)) {
            throw new CliException(ExitCode.USAGE, "unknown subcommand '" + sub + "'" + DidYouMean.hint(sub, SUBCOMMANDS)
                    + "; expected: " + String.join(", ", SUBCOMMANDS));
        }
        Path file = Path.of(in.arg(1, "config file"));
        in.atMostArgs(2);
        PairConfig c = new PairConfigLoader().load(file);
        in.out().print(in.has("json") ? json(c) + "\n" : file + ": ok\n" + text(c));
        return ExitCode.OK;
    }

    static String text(PairConfig c) {
        StringBuilder sb = new StringBuilder();
        row(sb, "pair", c.name());
        row(sb, "domain", c.domain());
        row(sb, "primary", c.primary().toString());
        row(sb, "secondary", c.secondary().toString());
        row(sb, "backend", c.backend().token());
        row(sb, "sync.mode", c.sync().mode().token());
        row(sb, "sync.interval", Durations.format(c.sync().interval()));
        row(sb, "sync.max-epoch-interval", Durations.format(c.sync().maxEpochInterval()));
        row(sb, "sync.max-in-flight", Integer.toString(c.sync().maxInFlight()));
        row(sb, "sync.group-commit", Boolean.toString(c.sync().groupCommit()));
        row(sb, "heartbeat.interval", Durations.format(c.heartbeat().interval()));
        row(sb, "heartbeat.timeout", Durations.format(c.heartbeat().timeout()));
        row(sb, "witness.lease-file", c.witness() == null ? "none (unsafe)" : c.witness().leaseFile().toString());
        if (c.witness() != null) {
            row(sb, "witness.lease-duration", Durations.format(c.witness().leaseDuration()));
        }
        row(sb, "tap", tap(c).isEmpty() ? "none" : tap(c));
        row(sb, "compression", c.compression().token());
        row(sb, "devices.disk", c.devices() == null ? "none" : c.devices().disk().toString());
        if (c.devices() != null) {
            row(sb, "devices.net", c.devices().net() == null ? "none" : c.devices().net().toString());
            row(sb, "devices.nbd", c.devices().emulated() ? c.devices().nbd().toString() : "none (kemari's own backends)");
            row(sb, "devices.netdev", c.devices().netdev() == null ? "none" : c.devices().netdev().toString());
        }
        row(sb, "replica.xl-config", c.replica() == null ? "none (backend sim only)" : c.replica().xlConfig().toString());
        row(sb, "replica.name", c.replicaName());
        row(sb, "security", c.security().kind().name().toLowerCase());
        c.security().files().forEach((key, path) -> row(sb, key, path.toString()));
        row(sb, "unsafe", Boolean.toString(c.unsafe()));
        if (c.devices() != null && c.devices().emulated()) {
            sb.append("in the xl configs of the guest and of its replica (HVM, xen_platform_pci=0, no disk or vif line for these):\n  ")
                    .append(xlDeviceModelArgs(c.devices())).append('\n');
        }
        return sb.toString();
    }

    static String json(PairConfig c) {
        Json sync = new Json().field("mode", c.sync().mode().token())
                .field("interval_ms", c.sync().interval().toMillis())
                .field("max_epoch_interval_ms", c.sync().maxEpochInterval().toMillis())
                .field("max_in_flight", c.sync().maxInFlight())
                .field("group_commit", c.sync().groupCommit());
        Json heartbeat = new Json().field("interval_ms", c.heartbeat().interval().toMillis())
                .field("timeout_ms", c.heartbeat().timeout().toMillis());
        String witness = c.witness() == null ? "null" : new Json()
                .field("lease_file", c.witness().leaseFile().toString())
                .field("lease_duration_ms", c.witness().leaseDuration().toMillis()).toString();
        String devices = c.devices() == null ? "null" : new Json().field("disk", c.devices().disk().toString())
                .raw("net", c.devices().net() == null ? "null" : Json.quote(c.devices().net().toString()))
                .raw("nbd", c.devices().emulated() ? Json.quote(c.devices().nbd().toString()) : "null")
                .raw("netdev", c.devices().netdev() == null ? "null" : Json.quote(c.devices().netdev().toString()))
                .raw("device_model_args_hvm", Json.array(c.devices().deviceModelArgs().stream().map(Json::quote).toList()))
                .toString();
        Security s = c.security();
        Json security = new Json().field("kind", s.kind().name().toLowerCase());
        s.files().forEach((key, path) -> security.field(key.substring("security.".length()), path.toString()));
        return new Json().field("pair", c.name()).field("domain", c.domain())
                .field("primary", c.primary().toString()).field("secondary", c.secondary().toString())
                .field("backend", c.backend().token()).raw("sync", sync.toString())
                .raw("heartbeat", heartbeat.toString()).raw("witness", witness)
                .raw("tap", Json.array(c.tap().stream().sorted().map(d -> Json.quote(d.token())).toList()))
                .field("compression", c.compression().token()).raw("devices", devices)
                .raw("security", security.toString())
                .field("unsafe", c.unsafe()).toString();
    }

    /** The xl config line, in xl's own syntax: a list of quoted strings. */
    static String xlDeviceModelArgs(Devices d) {
        return "device_model_args_hvm = [ " + d.deviceModelArgs().stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", "))
                + " ]";
    }

    private static String tap(PairConfig c) {
        return c.tap().stream().sorted().map(TapDevice::token).collect(Collectors.joining(","));
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append(String.format("  %-24s %s%n", key, value));
    }
}
