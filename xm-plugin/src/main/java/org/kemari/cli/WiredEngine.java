package org.kemari.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.kemari.bench.Bench;
import org.kemari.config.PairConfig;
import org.kemari.demo.Demo;
import org.kemari.torture.DemoPair;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.pair.PairHost;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairRun;
import org.kemari.pair.ReplicationEngine;
import org.kemari.pair.StateDir;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;

/**
 * The command line's side of the engine module (and the lab's demo and bench): turns a verb's
 * {@link PairSession} into the engine's {@link PairRun}, with the daemon as its {@link PairHost},
 * and the engine's outcomes into exit codes ({@link ExitCode#of}). Engine failures are mapped by
 * the dispatcher ({@link Kemari}), in one place.
 */
final class WiredEngine implements Engine {
    private final ReplicationEngine engine = new ReplicationEngine();

    @Override
    public String missing(String verb) {
        return null;
    }

    @Override
    public void prepareHost(PairConfig pair, Hypervisor hypervisor, PrintStream log) {
        engine.prepareHost(pair, hypervisor, log);
    }

    @Override
    public DomainInfo create(PairConfig pair, Hypervisor hypervisor, Path xlConfig, PrintStream log) {
        return engine.create(pair, hypervisor, xlConfig, log);
    }

    @Override
    public ExitCode protect(PairSession session) {
        return ExitCode.of(engine.protect(run(session)));
    }

    @Override
    public ExitCode receive(PairSession session) {
        return ExitCode.of(engine.receive(run(session)));
    }

    @Override
    public ExitCode failover(PairSession session, StateDir states) {
        return ExitCode.of(engine.failover(session.pair(), session.log(), states));
    }

    @Override
    public ExitCode switchover(PairConfig pair, PrintStream log, StateDir states) {
        return ExitCode.of(engine.switchover(pair, log, states));
    }

    @Override
    public ExitCode demo(Invocation in) {
        DemoPair.Liveness liveness = DemoPair.Liveness.DEMO;
        if (in.has(EngineVerb.HEARTBEAT_TIMEOUT)) {
            String text = in.value(EngineVerb.HEARTBEAT_TIMEOUT);
            try {
                liveness = DemoPair.Liveness.forTimeout(PairOptions.millis(text));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "--" + EngineVerb.HEARTBEAT_TIMEOUT + " '" + text + "': " + e.getMessage());
            }
        }
        return new Demo(in.out(), liveness).run() ? ExitCode.OK : ExitCode.FAILURE;
    }

    @Override
    public ExitCode bench(Invocation in) {
        Path dir = Path.of(in.line().getOptionValue(Bench.OUT, Bench.DEFAULT_OUT));
        try {
            // before minutes of measuring, not after
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "--out " + dir + ": cannot create the directory ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        return Bench.run(dir, in.has(Bench.QUICK), in.out(), in.err()) ? ExitCode.OK : ExitCode.FAILURE;
    }

    private static PairRun run(PairSession s) {
        DaemonControl control = s.control();
        PairHost host = new PairHost() {
            @Override
            public void report(PairPhase phase, long epoch) {
                control.report(phase, epoch);
            }

            @Override
            public Path stateDir() {
                return control.stateDir();
            }

            @Override
            public boolean stopRequested() {
                return control.stopRequested();
            }

            @Override
            public boolean awaitStop(long millis) throws InterruptedException {
                return control.awaitStop(millis);
            }

            @Override
            public void syncProgress(long done, long total) {
                s.progress().update(done, total);
            }

            @Override
            public void timings(Supplier<EpochTimings> timings) {
                control.timings(timings);
            }
        };
        return new PairRun(s.pair(), s.hypervisor(), s.domain(), host, s.log(), s.receiverCommand(), s.manualFailover());
    }
}
