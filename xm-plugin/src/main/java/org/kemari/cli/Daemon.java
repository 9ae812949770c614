package org.kemari.cli;

import org.kemari.pair.StateDir;
import org.kemari.pair.PairPhase;
import org.kemari.pair.PairState;
import org.kemari.pair.PairRole;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs a pair's protect or receive loop as a daemon: publishes its state in the state dir,
 * stops cleanly on SIGTERM, and (without -e) first re-launches itself in a new session.
 */
final class Daemon {
    /** How long SIGTERM waits for the engine to wind down before the JVM exits anyway. */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** How long the launching command waits for the background daemon to publish its state. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private Daemon() {
    }

    /**
     * Serves {@code pair} as its {@code role} daemon: in the foreground with -e, else by starting
     * this command again in the background. {@code domain} and {@code peer} are published in the state.
     */
    static ExitCode serve(Invocation in, String pair, PairRole role, String domain, String peer,
                          Function<DaemonControl, ExitCode> body) {
        if (!in.has(PairOptions.FOREGROUND)) {
            return background(in, pair, role);
        }
        Clock clock = Clock.systemUTC();
        return foreground(in.stateDir(), initialState(pair, role, domain, peer, clock), clock, body);
    }

    /** The initial state this process publishes for {@code pair}. */
    static PairState initialState(String pair, PairRole role, String domain, String peer, Clock clock) {
        ProcessHandle me = ProcessHandle.current();
        Instant started = me.info().startInstant().orElseGet(clock::instant);
        return new PairState(pair, role, me.pid(), started, domain, peer, PairPhase.STARTING, -1, clock.instant());
    }

    /**
     * Runs {@code body} in this thread as the pair's daemon. Refuses if a live daemon already
     * serves the pair; state left by a dead one is replaced.
     */
    static ExitCode foreground(StateDir dir, PairState initial, Clock clock, Function<DaemonControl, ExitCode> body) {
        Optional<PairState> existing = dir.read(initial.pair());
        if (existing.isPresent() && StateDir.alive(existing.get())) {
            PairState e = existing.get();
            throw new CliException(ExitCode.FAILURE, "pair '" + e.pair() + "' is already served by pid " + e.pid()
                    + " as " + e.role().token() + " (stop it with 'kemari unprotect --pair " + e.pair() + "')");
        }
        DaemonControl control = new DaemonControl(dir, initial, clock);
        dir.write(initial);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            control.requestStop();
            try {
                finished.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kemari-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.apply(control);
        } finally {
            dir.remove(initial.pair(), initial.pid());
            finished.countDown();
            removeHook(hook);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting because of SIGTERM; the hook is running and needs no removal.
        }
    }

    /**
     * Starts this same command line again with -e in its own session, its output in the pair's
     * log, and returns once the new daemon has published its first phase (listening, or the lease
     * claimed); if it dies first, its last error line becomes ours.
     */
    static ExitCode background(Invocation in, String pair, PairRole role) {
        StateDir dir = in.stateDir();
        List<String> command = selfCommand();
        command.add("-e");
        Path log = dir.log(pair);
        Process child;
        try {
            Files.createDirectories(dir.path());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            child = pb.start();
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot start the daemon in the background: " + e.getMessage()
                    + " (use -e to run in the foreground)", e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (child.waitFor(50, TimeUnit.MILLISECONDS)) {
                    throw childFailed(child.exitValue(), log);
                }
                Optional<PairState> s = dir.read(pair);
                // past starting: a primary has claimed the witness lease by then, so a cluster
                // manager's promote is not told "ok" by a daemon about to be refused the lease
                if (s.isPresent() && s.get().pid() == child.pid() && s.get().role() == role && s.get().phase() != PairPhase.STARTING) {
                    in.out().println("kemari: " + in.verb() + ": " + pair + " running as " + role.token()
                            + ", pid " + child.pid() + ", log " + log);
                    return ExitCode.OK;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        child.destroy();
        throw new CliException(ExitCode.FAILURE, "the " + in.verb() + " daemon did not report within "
                + START_TIMEOUT.toSeconds() + "s; stopped it; see " + log);
    }

    /** This JVM's own command line (java, its options, class path, main class, arguments), via setsid. */
    private static List<String> selfCommand() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) {
            throw new CliException(ExitCode.FAILURE, "cannot see this process's command line to re-launch it;"
                    + " run in the foreground with -e");
        }
        List<String> cmd = new ArrayList<>();
        // A new session: the daemon must not die with the terminal or the caller's process group.
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(info.command().get());
        cmd.addAll(List.of(info.arguments().get()));
        return cmd;
    }

    private static CliException childFailed(int status, Path log) {
        String last = "no output";
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    last = lines.get(i).replaceFirst("^kemari: [a-z]+: ", "");
                    break;
                }
            }
        } catch (IOException e) {
            last = "cannot read " + log + ": " + e.getMessage();
        }
        ExitCode code = ExitCode.FAILURE;
        for (ExitCode c : ExitCode.values()) {
            if (c.code() == status) {
                code = c;
            }
        }
        return new CliException(code, "daemon exited with status " + status + ": " + last + " (log " + log + ")");
    }
}
