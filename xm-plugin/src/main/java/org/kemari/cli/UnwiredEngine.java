package org.kemari.cli;

import java.util.Map;

/** The engine of a build in which the replication modules are not yet connected to the CLI. */
final class UnwiredEngine implements Engine {
    private static final Map<String, String> NEEDS = Map.of(
            "protect", "the epoch sender (ft-transaction) with event-tap (evtchn-tap)",
            "receive", "the transactional epoch receiver (ft-transaction)",
            "failover", "the receiver's failover path (ft-transaction, ringsync re-attach)",
            "demo", "the simulator demo (ft-transaction, evtchn-tap, ringsync on the sim backend)",
            "bench", "the benchmark harness (ft-transaction on the sim backend)");

    @Override
    public String missing(String verb) {
        return "not available in this build: " + NEEDS.getOrDefault(verb, "its engine")
                + " is not wired into the command line yet";
    }

    @Override
    public ExitCode protect(PairSession session) {
        return refuse("protect");
    }

    @Override
    public ExitCode receive(PairSession session) {
        return refuse("receive");
    }

    @Override
    public ExitCode failover(PairSession session) {
        return refuse("failover");
    }

    @Override
    public ExitCode demo(Invocation in) {
        return refuse("demo");
    }

    @Override
    public ExitCode bench(Invocation in) {
        return refuse("bench");
    }

    private ExitCode refuse(String verb) {
        throw new CliException(ExitCode.ENGINE_MISSING, missing(verb));
    }
}
