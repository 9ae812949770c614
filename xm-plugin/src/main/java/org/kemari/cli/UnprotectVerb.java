package org.kemari.cli;

import org.kemari.pair.StateDir;
import org.kemari.pair.PairState;
import java.util.Optional;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * Stops the pair's daemon on this host. On the primary the guest keeps running, unprotected;
 * on the secondary the replica is no longer kept. Stopping what is not running succeeds, as
 * cluster managers expect of a stop.
 */
final class UnprotectVerb implements Verb {
    private static final String FORCE = "force";
    private static final long POLL_MILLIS = 20;

    @Override
    public String name() {
        return "unprotect";
    }

    @Override
    public String summary() {
        return "stop the pair's daemon on this host (the guest keeps running, unprotected)";
    }

    @Override
    public String syntax() {
        return "--pair <name> | --config <file> [--force]";
    }

    @Override
    public String details() {
        return "Sends SIGTERM and waits for the daemon to finish its epoch and exit. --force kills it if it has"
                + " not exited within the grace period; a primary killed mid-epoch may leave its guest paused"
                + " (check with 'xl list', resume with 'xl unpause').";
    }

    @Override
    public Options options() {
        Options o = PairOptions.selection();
        o.addOption(Option.builder().longOpt(FORCE).desc("kill the daemon if it does not stop in time").get());
        return o;
    }

    @Override
    public ExitCode run(Invocation in) {
        in.atMostArgs(0);
        String pair = PairSelection.required(in);
        StateDir dir = in.stateDir();
        Optional<PairState> state = dir.read(pair);
        if (state.isEmpty()) {
            in.out().println("kemari: unprotect: " + pair + " is not running here");
            return ExitCode.OK;
        }
        PairState s = state.get();
        if (!StateDir.alive(s)) {
            dir.clearStale(pair);
            in.out().println("kemari: unprotect: " + pair + " was not running (removed stale state of pid " + s.pid() + ")");
            return ExitCode.OK;
        }
        ProcessHandle daemon = ProcessHandle.of(s.pid()).orElseThrow();
        daemon.destroy();
        long graceMillis = Daemon.STOP_GRACE.toMillis() + 5000;
        if (!exited(daemon, graceMillis)) {
            if (!in.has(FORCE)) {
                throw new CliException(ExitCode.FAILURE, pair + ": pid " + s.pid() + " did not stop within "
                        + graceMillis / 1000 + "s; retry, or use --force");
            }
            daemon.destroyForcibly();
            if (!exited(daemon, graceMillis)) {
                throw new CliException(ExitCode.FAILURE, pair + ": pid " + s.pid() + " survived SIGKILL");
            }
        }
        dir.remove(pair, s.pid());
        in.out().println("kemari: unprotect: " + pair + " stopped (was " + s.role().token() + ", pid " + s.pid() + ")");
        return ExitCode.OK;
    }

    /** Waits up to {@code millis} for {@code p} to exit; polls, since the daemon is not our child. */
    private static boolean exited(ProcessHandle p, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (StateDir.running(p.pid())) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
