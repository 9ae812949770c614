package org.kemari.pair;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * An administrator's request to a running daemon, through the state dir: a file
 * {@code <pair>.<what>} written by the command (`kemari failover`, `kemari switchover`), and the
 * daemon's refusal in {@code <pair>.<what>-refused} when it cannot act on it.
 */
final class OperatorRequest {
    private final String what;
    private final Path request;
    private final Path refusal;

    OperatorRequest(Path stateDir, String pair, String what) {
        this.what = what;
        this.request = stateDir.resolve(pair + "." + what);
        this.refusal = stateDir.resolve(pair + "." + what + "-refused");
    }

    Path request() {
        return request;
    }

    Path refusal() {
        return refusal;
    }

    /** The command's side: a fresh request, any earlier answer cleared. */
    void make() throws IOException {
        Files.deleteIfExists(refusal);
        Files.writeString(request, Instant.now() + "\n");
    }

    boolean pending() {
        return Files.exists(request);
    }

    /** The daemon acts on the request: it is cleared, so that nothing acts on it twice. */
    void served() {
        try {
            Files.deleteIfExists(request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the " + what + " request " + request + ": " + e.getMessage(), e);
        }
    }

    /** Written whole or not at all: the command reads the answer as soon as the file exists. */
    void refuse(String why) {
        try {
            Path partial = refusal.resolveSibling(refusal.getFileName() + ".partial");
            Files.writeString(partial, why + "\n", StandardCharsets.UTF_8);
            Files.move(partial, refusal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(request);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot answer the " + what + " request in " + request.getParent() + ": " + e.getMessage(), e);
        }
    }

    /** The daemon's refusal, if it wrote one. */
    java.util.Optional<String> refused() throws IOException {
        return Files.exists(refusal) ? java.util.Optional.of(Files.readString(refusal).strip()) : java.util.Optional.empty();
    }
}
