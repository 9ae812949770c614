package org.kemari.torture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.kemari.check.CheckerServer;
import org.kemari.check.DiskAudit;
import org.kemari.pair.EngineException;
import org.kemari.pair.PairState;
import org.kemari.pair.StateDir;

/**
 * A pair of simulated hosts on this machine, each daemon a real child process, with the external
 * checker listening and optionally a {@link LinkProxy} on the replication link. Used by
 * {@code kemari demo} and by the fault-injection runs. Closing it SIGKILLs every child it started
 * (a JVM shutdown hook does the same if the caller dies first); the work directory with the logs
 * is deleted only if the run was declared passed.
 */
public final class PairLab implements AutoCloseable {
    /** Exit status of a JVM killed by SIGKILL, as Process reports it. */
    public static final int KILLED = 137;

    private final String label;
    private final Path dir;
    private final CheckerServer checker;
    private final LinkProxy proxy;
    private final DemoPair pair;
    private final Map<String, Process> roles = new LinkedHashMap<>();
    private final List<Process> children = new ArrayList<>();
    private final Thread reaper = new Thread(this::killAll, "kemari-lab-cleanup");
    private boolean discard;

    private PairLab(String label, boolean proxied, DemoPair.Liveness liveness) throws IOException {
        this.label = label;
        this.dir = Files.createTempDirectory("kemari-" + label + "-");
        Runtime.getRuntime().addShutdownHook(reaper);
        boolean ok = false;
        try {
            this.checker = new CheckerServer();
            int secondaryPort = freePort();
            this.proxy = proxied ? new LinkProxy(secondaryPort) : null;
            this.pair = DemoPair.write(dir, freePort(), secondaryPort,
                    proxied ? proxy.port() : secondaryPort, checker.address(), liveness);
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /** A lab whose primary reaches the secondary directly, with fault-injection timing. */
    public static PairLab open(String label) throws IOException {
        return open(label, DemoPair.Liveness.TOLERANT);
    }

    public static PairLab open(String label, DemoPair.Liveness liveness) throws IOException {
        return new PairLab(label, false, liveness);
    }

    /** A lab whose primary reaches the secondary through a {@link LinkProxy}. */
    public static PairLab proxied(String label) throws IOException {
        return new PairLab(label, true, DemoPair.Liveness.TOLERANT);
    }

    public DemoPair pair() {
        return pair;
    }

    public CheckerServer checker() {
        return checker;
    }

    public LinkProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("this lab was opened without a link proxy");
        }
        return proxy;
    }

    /** The run passed: close deletes the work directory. Until this is called its logs are kept. */
    public void discardOnClose() {
        discard = true;
    }

    /**
     * Starts {@code kemari <verb>} as {@code role} ("primary" or "secondary") in a new JVM.
     *
     * @param jvmOptions e.g. {@code -Dkemari.crashpoint=...}
     */
    public Process start(String role, String verb, String... jvmOptions) throws IOException {
        return start(role, verb, List.of(), jvmOptions);
    }

    /** As {@link #start(String, String, String...)}, with {@code args} after the verb's own (e.g. --manual-failover). */
    public Process start(String role, String verb, List<String> args, String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.kemari.cli.Main");
        cmd.add(verb);
        cmd.add("--config");
        cmd.add(pair.config(role).toString());
        cmd.add("--state-dir");
        cmd.add(pair.stateDir(role).toString());
        cmd.add("-e");
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(pair.log(role).toFile())).start();
        synchronized (children) {
            children.add(p);
            roles.put(role, p);
        }
        return p;
    }

    public Process process(String role) {
        synchronized (children) {
            Process p = roles.get(role);
            if (p == null) {
                throw new IllegalStateException("no " + role + " was started");
            }
            return p;
        }
    }

    /** {@code role}'s daemon ended on request (a switchover): its exit fails no later wait. */
    public void ended(String role) {
        synchronized (children) {
            children.remove(process(role));
        }
    }

    /** SIGKILLs {@code role} and waits for it to be gone. */
    public void kill(String role) throws InterruptedException {
        Process p = process(role);
        p.destroyForcibly();
        p.waitFor();
    }

    public Optional<PairState> state(String role) {
        return new StateDir(pair.stateDir(role)).read(DemoPair.NAME);
    }

    /** The phase {@code role} last published, or "-" if none. */
    public String phase(String role) {
        return state(role).map(st -> st.phase().word()).orElse("-");
    }

    /**
     * Waits until the state published by {@code role}'s current process (not a killed
     * predecessor's leftover) satisfies {@code c}. Fails at once if a child exits other than by
     * SIGKILL, and after {@code limit} otherwise.
     */
    public void await(String role, Predicate<PairState> c, String what, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long pid = process(role).pid();
        while (System.nanoTime() - deadline < 0) {
            Optional<PairState> st = state(role);
            if (st.isPresent() && st.get().pid() == pid && c.test(st.get())) {
                return;
            }
            checkChildren(what);
            Thread.sleep(20);
        }
        throw new EngineException(EngineException.Kind.FAILURE, label + ": no " + what + " within " + limit.toSeconds()
                + "s" + seeLogs());
    }

    public void awaitPhase(String role, String phase, Duration limit) throws InterruptedException {
        await(role, st -> st.phase().word().equals(phase), role + " " + phase, limit);
    }

    private void checkChildren(String what) {
        synchronized (children) {
            for (Process p : children) {
                if (!p.isAlive() && p.exitValue() != KILLED) {
                    throw new EngineException(EngineException.Kind.FAILURE, label + ": waiting for " + what + ": pid " + p.pid()
                            + " exited with status " + p.exitValue() + seeLogs());
                }
            }
        }
    }

    /**
     * Waits for the first acknowledgement on a connection opened after {@code since}
     * (System.nanoTime()), i.e. output from a host other than the one that died; returns when it came.
     */
    public long awaitOutputAfter(long since, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            long first = checker.firstAckOnConnectionAcceptedAfter(since);
            if (first != 0) {
                return first;
            }
            Thread.sleep(1);
        }
        throw new EngineException(EngineException.Kind.FAILURE, label + ": the guest sent no output within " + limit.toSeconds()
                + "s" + seeLogs());
    }

    /**
     * The end of a failure message: what the checker saw and each daemon's last log line, since
     * a CI log shows only the message, and where the whole logs are.
     */
    private String seeLogs() {
        StringBuilder sb = new StringBuilder("; checker: ").append(checker.connectionsSummary());
        for (String role : roles.keySet()) {
            try (Stream<String> lines = Files.lines(pair.log(role))) {
                String last = lines.reduce((a, b) -> b).orElse("(empty)");
                sb.append("; ").append(role).append(" last logged: ").append(last);
            } catch (IOException | UncheckedIOException e) {
                sb.append("; ").append(role).append(" log unreadable: ").append(e.getMessage());
            }
        }
        return sb.append("; see the logs in ").append(dir).toString();
    }

    /** Waits until the checker has at least {@code n} acknowledged writes. */
    public void awaitAcks(long n, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (checker.ledger().acknowledged() < n) {
            if (System.nanoTime() - deadline > 0) {
                throw new EngineException(EngineException.Kind.FAILURE, label + ": only " + checker.ledger().acknowledged() + " of " + n
                        + " writes acknowledged within " + limit.toSeconds() + "s" + seeLogs());
            }
            checkChildren(n + " acknowledged writes");
            Thread.sleep(10);
        }
    }

    /**
     * Everything the checker holds against the run: output gaps and divergences, malformed
     * packets, and every acknowledged write missing from the shared disk. Empty means nothing
     * acknowledged was lost.
     */
    public List<String> problems() throws IOException {
        List<String> problems = new ArrayList<>(checker.ledger().violations());
        problems.addAll(checker.malformed());
        problems.addAll(DiskAudit.audit(pair.disk(), checker.ledger().lastAckPerBlock()));
        return problems;
    }

    public Path dir() {
        return dir;
    }

    private void killAll() {
        synchronized (children) {
            for (Process p : children) {
                p.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        killAll();
        synchronized (children) {
            for (Process p : children) {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (proxy != null) {
            proxy.close();
        }
        if (checker != null) {
            try {
                checker.close();
            } catch (IOException e) {
                // sockets only; the process is about to move on
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // already shutting down: the hook does the killing
        }
        if (discard) {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is untidy, not wrong
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
