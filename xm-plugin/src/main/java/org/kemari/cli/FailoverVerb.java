package org.kemari.cli;

import org.apache.commons.cli.Options;
import org.kemari.config.PairConfig;
import org.kemari.xen.Hypervisor;

/** Operator-initiated failover: activate the replica here now (planned maintenance, drills). */
final class FailoverVerb implements Verb {
    @Override
    public String name() {
        return "failover";
    }

    @Override
    public String summary() {
        return "activate the replica on this host now (the secondary takes over)";
    }

    @Override
    public String syntax() {
        return "--config <file>";
    }

    @Override
    public String details() {
        return "Run on the secondary, where the pair's receive daemon keeps the replica (--state-dir as for"
                + " receive). The replica is activated after taking the witness lease, as in an automatic"
                + " failover, so it is refused while the primary still holds it. Exit 7 (FAILED_OVER) means"
                + " it happened: the replica runs here now.";
    }

    @Override
    public Options options() {
        return PairOptions.selection();
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(0);
        PairConfig pair = PairSelection.config(in);
        try (Hypervisor hv = Backends.open(pair.backend())) {
            in.engine().require(name());
            return in.engine().failover(new PairSession(pair, hv, null, null, ProgressMeter.forStderr(in), in.err(),
                    null), in.stateDir());
        }
    }
}
