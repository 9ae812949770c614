package org.kemari.cli;

import org.apache.commons.cli.Options;
import org.kemari.config.PairConfig;

/** Planned switchover: hand the guest over to the secondary while both hosts are healthy. */
final class SwitchoverVerb implements Verb {
    @Override
    public String name() {
        return "switchover";
    }

    @Override
    public String summary() {
        return "hand the guest over to the secondary (planned move, nothing lost)";
    }

    @Override
    public String syntax() {
        return "--config <file>";
    }

    @Override
    public String details() {
        return "Run on the primary, where the pair's protect daemon runs (--state-dir as for protect). The guest"
                + " is paused, a final epoch is acknowledged by the secondary, the output it held is released,"
                + " the witness lease is given up and the paused guest here is stopped; the secondary then brings"
                + " its replica up at once (a receiver started with --manual-failover when 'kemari failover' asks)."
                + " Refused unless the pair is protected; if the secondary does not acknowledge the final epoch,"
                + " nothing is handed over and the guest runs on here. Start 'kemari receive' here afterwards to"
                + " make this host the secondary.";
    }

    @Override
    public Options options() {
        return PairOptions.selection();
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(0);
        PairConfig pair = PairSelection.config(in);
        in.engine().require(name());
        return in.engine().switchover(pair, in.err(), in.stateDir());
    }
}
