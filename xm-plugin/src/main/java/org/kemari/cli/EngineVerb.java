package org.kemari.cli;

import java.util.function.BiFunction;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.kemari.bench.Bench;

/** A verb that is all engine (demo, bench): the command line only dispatches to it. */
final class EngineVerb implements Verb {
    private final String name;
    private final String summary;
    private final BiFunction<Engine, Invocation, ExitCode> action;
    private final Options options;

    EngineVerb(String name, String summary, BiFunction<Engine, Invocation, ExitCode> action) {
        this(name, summary, action, new Options());
    }

    private EngineVerb(String name, String summary, BiFunction<Engine, Invocation, ExitCode> action, Options options) {
        this.name = name;
        this.summary = summary;
        this.action = action;
        this.options = options;
    }

    /** The demo's option: how soon the pair presumes a silent peer dead. */
    static final String HEARTBEAT_TIMEOUT = "heartbeat-timeout";

    static EngineVerb demo() {
        Options o = new Options()
                .addOption(Option.builder().longOpt(HEARTBEAT_TIMEOUT).hasArg().argName("duration").desc("how long the"
                        + " secondary waits for a word from the primary before presuming it dead (default 300ms;"
                        + " heartbeats come six times as often, the witness lease lasts as long)").get());
        return new EngineVerb("demo", "run a protected guest on the embedded simulator, kill its host, watch it"
                + " survive", Engine::demo, o);
    }

    static EngineVerb bench() {
        Options o = new Options()
                .addOption(Option.builder().longOpt(Bench.QUICK).desc("short run (CI smoke test): fewer epochs, coarser"
                        + " scaling, no multi-process failover").get())
                .addOption(Option.builder().longOpt(Bench.OUT).hasArg().argName("dir").desc("where results.json and"
                        + " bench.svg go (default ./" + Bench.DEFAULT_OUT + ")").get());
        return new EngineVerb("bench", "measure pause, latency, throughput and failover against same-run baselines"
                + " on the simulator", Engine::bench, o);
    }

    @Override
    public Options options() {
        return options;
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
