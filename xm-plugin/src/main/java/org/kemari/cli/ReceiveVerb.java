package org.kemari.cli;

import org.kemari.pair.PairRole;
import org.apache.commons.cli.Options;
import org.kemari.config.PairConfig;
import org.kemari.xen.Hypervisor;

/** Secondary: listen for the primary and keep the replica, failing over when the primary dies. */
final class ReceiveVerb implements Verb {
    @Override
    public String name() {
        return "receive";
    }

    @Override
    public String summary() {
        return "secondary: listen for the primary and keep a paused replica";
    }

    @Override
    public String syntax() {
        return "[--config <file> | -incoming kemari:tcp:<addr>:<port> --pair <name>] [options]";
    }

    @Override
    public String details() {
        return "With --config the receiver listens on this host's endpoint: the secondary's, or the primary's"
                + " when only that one is an address of this host (the config is symmetric); -incoming overrides it."
                + " Without a config it needs -incoming and --pair (the replica is named after the pair) and"
                + " accepts any primary that authenticates. Without -e, receive returns once the background"
                + " daemon listens. With --manual-failover a lost primary does not make the receiver fail over:"
                + " it keeps the replica paused (phase taking-over) until 'kemari failover' asks, for a cluster"
                + " manager (Pacemaker) that decides where the guest runs.";
    }

    @Override
    public Options options() {
        return PairOptions.replication(false);
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(0);
        if (!in.has(PairOptions.CONFIG) && !(in.has(PairOptions.INCOMING) && in.has(PairOptions.PAIR))) {
            throw new CliException(ExitCode.USAGE, "give --config <file>, or -incoming kemari:tcp:<addr>:<port>"
                    + " and --pair <name>");
        }
        String listen = in.has(PairOptions.INCOMING) ? PairOptions.incoming(in).toString() : null;
        PairConfig resolved = PairOptions.resolve(in, in.has(PairOptions.CONFIG) ? null : in.value(PairOptions.PAIR),
                listen, PairOptions.ANY_PRIMARY);
        PairConfig pair = listen == null ? LocalSide.asSecondary(resolved) : resolved;
        try (Hypervisor hv = Backends.open(pair.backend())) {
            in.engine().require(name());
            return Daemon.serve(in, pair.name(), PairRole.SECONDARY, pair.domain(), pair.primary().toString(),
                    control -> in.engine().receive(new PairSession(pair, hv, null, control,
                            ProgressMeter.forStderr(in), in.err(), null, in.has(PairOptions.MANUAL_FAILOVER))));
        }
    }
}
