package org.kemari.cli;

import org.kemari.pair.PairRole;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.kemari.config.PairConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;

/** Primary: start protecting a running guest. `xm migrate <dom> <dest> --kemari` lands here. */
final class ProtectVerb implements Verb {
    @Override
    public String name() {
        return "protect";
    }

    @Override
    public String summary() {
        return "protect a running domain: keep a replica on the secondary (= xm migrate ... --kemari)";
    }

    @Override
    public String syntax() {
        return "[<domain> <dest[:port]>] [options]";
    }

    @Override
    public String details() {
        return "Give either --config, or the domain (name or domid) and the secondary host[:port]; options"
                + " override the config. With a config alone, this host is the primary; if the config names this"
                + " host only as the secondary (after a failover), the roles are taken the other way round. The receiver must already run on the secondary (kemari-receive@<pair>)"
                + " unless -s says how to start it. Without -e, protect returns once the background daemon runs;"
                + " it then reports through 'kemari status' and its log in the state dir. Exit 7 means the pair"
                + " failed over and the guest now runs on the secondary.";
    }

    /** Builds the guest first: its QEMU must find kemari's NBD server up when it starts. */
    static final String CREATE = "create";

    @Override
    public Options options() {
        return PairOptions.replication(true).addOption(Option.builder().longOpt(CREATE).hasArg().argName("xl-config")
                .desc("create the guest with 'xl create <xl-config>' (named as the pair's domain) once kemari serves its devices,"
                        + " then protect it; needed when devices.nbd serves its disk, since its QEMU exits at start without"
                        + " the NBD server").get());
    }

    /**
     * xl remus -s: the shell command that starts the receiver on the secondary, reading the same
     * pairing config at the same path there (as /etc/kemari/<pair>.yaml is on both hosts).
     */
    private static String receiverCommand(Invocation in, PairConfig pair) {
        if (!in.has(PairOptions.REMOTE_COMMAND)) {
            return null;
        }
        if (!in.has(PairOptions.CONFIG)) {
            throw new CliException(ExitCode.USAGE, "-s needs --config: the receiver it starts on "
                    + pair.secondary().host() + " reads the same pairing config at the same path");
        }
        String config = java.nio.file.Path.of(in.value(PairOptions.CONFIG)).toAbsolutePath().toString();
        return in.value(PairOptions.REMOTE_COMMAND) + " " + quote(pair.secondary().host()) + " kemari receive -e --config "
                + quote(config);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(2);
        String domain = in.args().isEmpty() ? null : in.args().get(0);
        String dest = in.args().isEmpty() ? null : in.arg(1, "destination host[:port] after the domain");
        PairConfig resolved = PairOptions.resolve(in, domain, dest, PairOptions.localEndpoint());
        PairConfig pair = dest == null ? LocalSide.asPrimary(resolved) : resolved;
        Path create = in.has(CREATE) ? Path.of(in.value(CREATE)).toAbsolutePath() : null;
        try (Hypervisor hv = Backends.open(pair.backend())) {
            in.engine().prepareHost(pair, hv, in.err());
            DomainInfo guest = create == null ? Backends.lookup(hv, pair.domain()) : null;
            if (guest != null && guest.domid() == 0) {
                throw new CliException(ExitCode.USAGE, "'" + pair.domain() + "' is Domain-0, the control domain;"
                        + " only guests can be protected");
            }
            if (create != null) {
                refuseCreate(hv, pair, create);
            }
            in.engine().require(name());
            String receiver = receiverCommand(in, pair);
            return Daemon.serve(in, pair.name(), PairRole.PRIMARY, guest != null ? guest.name() : pair.domain(), pair.secondary().toString(),
                    control -> in.engine().protect(new PairSession(pair, hv,
                            guest != null ? guest : in.engine().create(pair, hv, create, in.err()), control,
                            ProgressMeter.forStderr(in), in.err(), receiver)));
        }
    }

    /** --create builds a new guest: its config must be there, and no domain may have its name yet. */
    private static void refuseCreate(Hypervisor hv, PairConfig pair, Path xlConfig) {
        if (!Files.isRegularFile(xlConfig)) {
            throw new CliException(ExitCode.USAGE, "--create: no xl config file " + xlConfig);
        }
        for (DomainInfo d : hv.domains()) {
            if (d.name().equals(pair.domain())) {
                throw new CliException(ExitCode.USAGE, "--create: dom " + d.domid() + " is already named '" + pair.domain()
                        + "'; protect it without --create, or destroy it first");
            }
        }
    }
}
