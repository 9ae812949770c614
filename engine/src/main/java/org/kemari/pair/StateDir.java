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

/**
 * The directory where pair daemons publish their state, one {@code <pair>.state} file each
 * (java.util.Properties format, replaced atomically so readers never see half a file), and
 * where a daemon started in the background writes {@code <pair>.log}.
 */
public final class StateDir {
    private static final String SUFFIX = ".state";
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
        try {
            Files.createDirectories(dir);
            StringWriter w = new StringWriter();
            p.store(w, "kemari pair daemon state; read with `kemari status`");
            Path tmp = Files.createTempFile(dir, "." + s.pair(), ".tmp");
            Files.writeString(tmp, w.toString(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file(s.pair()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(s.pair()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot write state under " + dir + ": " + e.getMessage()
                    + " (set --state-dir or KEMARI_STATE_DIR to a writable directory)", e);
        }
    }

    public Optional<PairState> read(String pair) {
        Path f = file(pair);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new EngineException(EngineException.Kind.FAILURE, "cannot read " + f + ": " + e.getMessage(), e);
        }
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
                Files.deleteIfExists(file(pair));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Removes state left by a daemon that is no longer running. */
    public void clearStale(String pair) {
        try {
            Files.deleteIfExists(file(pair));
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
