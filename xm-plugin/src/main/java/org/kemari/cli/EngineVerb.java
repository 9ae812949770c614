package org.kemari.cli;

import java.util.function.BiFunction;

/** A verb that is all engine (demo, bench): the command line only dispatches to it. */
final class EngineVerb implements Verb {
    private final String name;
    private final String summary;
    private final BiFunction<Engine, Invocation, ExitCode> action;

    EngineVerb(String name, String summary, BiFunction<Engine, Invocation, ExitCode> action) {
        this.name = name;
        this.summary = summary;
        this.action = action;
    }

    static EngineVerb demo() {
        return new EngineVerb("demo", "run a protected guest on the embedded simulator, kill its host, watch it"
                + " survive", Engine::demo);
    }

    static EngineVerb bench() {
        return new EngineVerb("bench", "measure epoch latency and throughput on the simulator", Engine::bench);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(0);
        in.engine().require(name);
        return action.apply(in.engine(), in);
    }
}
