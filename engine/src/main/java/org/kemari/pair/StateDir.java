package org.kemari.pair;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.metrics.PrometheusText;

/**
 * The directory where pair daemons publish their state, one {@code <pair>.state} file each
 * (java.util.Properties format, replaced atomically so readers never see half a file), and
 * where a daemon started in the background writes {@code <pair>.log}. A replicating daemon also
 * publishes its epoch timings there: {@code <pair>.timings} for `kemari status` and
 * {@code <pair>.prom} for Prometheus (node exporter's textfile collector), replaced the same way.
 */
public final class StateDir {
    private static final String SUFFIX = ".state";
    private static final String TIMINGS = ".timings";
    /** The textfile collector reads only files ending so. */
    private static final String METRICS = ".prom";
    private final Path dir;

    public StateDir(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    public Path log(String pair) {
        return dir.resolve(pair + ".log");
    }

    public void write(PairState s) {
        Properties p = new Properties();
        p.setProperty("pair", s.pair());
        p.setProperty("role", s.role().token());
        p.setProperty("pid", Long.toString(s.pid()));
        p.setProperty("started", s.started().toString());
        p.setProperty("domain", s.domain());
        p.setProperty("peer", s.peer());
        p.setProperty("phase", s.phase().word());
        p.setProperty("epoch", Long.toString(s.epoch()));
        p.setProperty("updated", s.updated().toString());
        replace(file(s.pair()), properties(p, "kemari pair daemon state; read with `kemari status`"));
    }

    /** Publishes a replicating daemon's counters and stage times. */
    public void writeTimings(String pair, PairRole role, EpochTimings t) {
        replace(dir.resolve(pair + TIMINGS), properties(TimingsFile.encode(t), "kemari epoch timings; read with `kemari status`"));
        replace(dir.resolve(pair + METRICS), PrometheusText.render(pair, role.token(), t));
    }

    /** What the pair's daemon last published of its timings; empty before its first epoch. */
    public Optional<EpochTimings> readTimings(String pair) {
        Path f = dir.resolve(pair + TIMINGS);
        try {
            return load(f).map(TimingsFile::decode);
        } catch (IllegalArgumentException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "corrupt timings file " + f + ": " + e.getMessage()
                    + " (it is rewritten every second while the pair's daemon replicates)", e);
        }
    }

    public Optional<PairState> read(String pair) {
        Path f = file(pair);
        Optional<Properties> loaded = load(f);
        if (loaded.isEmpty()) {
            return Optional.empty();
        }
        Properties p = loaded.get();
        try {
            return Optional.of(new PairState(need(p, "pair", f), PairRole.valueOf(need(p, "role", f).toUpperCase()),
                    Long.parseLong(need(p, "pid", f)), Instant.parse(need(p, "started", f)), need(p, "domain", f),
                    need(p, "peer", f), PairPhase.ofWord(need(p, "phase", f)), Long.parseLong(need(p, "epoch", f)),
                    Instant.parse(need(p, "updated", f))));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "corrupt state file " + f + ": " + e.getMessage()
                    + " (stop the pair's daemon, then delete the file)", e);
        }
    }

    private Optional<Properties> load(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private static String properties(Properties p, String comment) {
        StringWriter w = new StringWriter();
        try {
            p.store(w, comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Replaces {@code target} in one rename, so that a reader sees the old file or the new, never half of one. */
    private void replace(Path target, String text) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot write state under " + dir + ": " + e.getMessage()
                    + " (set --state-dir or KEMARI_STATE_DIR to a writable directory)", e);
        }
    }

    /** Every pair with a state file, by name. */
    public List<String> pairs() {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                names.add(n.substring(0, n.length() - SUFFIX.length()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(null);
        return names;
    }

    /** Removes the pair's state only if it still belongs to {@code pid}: a successor may have replaced it. */
    public void remove(String pair, long pid) {
        if (read(pair).filter(s -> s.pid() == pid).isPresent()) {
            try {
                deleteAll(pair);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The state and the timings: a monitoring system must not go on reading a gone daemon's figures as current. */
    private void deleteAll(String pair) throws IOException {
        Files.deleteIfExists(dir.resolve(pair + METRICS));
        Files.deleteIfExists(dir.resolve(pair + TIMINGS));
        Files.deleteIfExists(file(pair));
    }

    /** Removes state left by a daemon that is no longer running. */
    public void clearStale(String pair) {
        try {
            deleteAll(pair);
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot remove stale state " + file(pair) + ": " + e.getMessage(), e);
        }
    }

    /** True if the process that wrote {@code s} is still that process (not a recycled pid) and running. */
    public static boolean alive(PairState s) {
        return ProcessHandle.of(s.pid())
                .filter(h -> running(h.pid()))
                .flatMap(h -> h.info().startInstant())
                .map(start -> Math.abs(start.toEpochMilli() - s.started().toEpochMilli()) < 1000)
                .orElse(false);
    }

    /**
     * True while {@code pid} exists and has not exited. A daemon that exited but was not yet
     * reaped (a zombie: its parent is gone and init reaps at leisure) counts as exited, which
     * ProcessHandle.isAlive does not see.
     */
    public static boolean running(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) S ...": the state letter follows the last ')', as comm may contain one.
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | StringIndexOutOfBoundsException e) {
            return h.get().isAlive();
        }
    }

    private Path file(String pair) {
        return dir.resolve(pair + SUFFIX);
    }

    private static String need(Properties p, String key, Path f) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + key + "' in " + f);
        }
        return v;
    }
}
