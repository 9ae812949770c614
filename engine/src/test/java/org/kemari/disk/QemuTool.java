package org.kemari.disk;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs QEMU's own NBD client code (qemu-io, qemu-img from Debian's qemu-utils) against a server
 * under test. A missing tool fails the test naming it: ./verify installs it, nothing is skipped.
 */
final class QemuTool {
    private static final long TIMEOUT_SECONDS = 30;

    record Result(int exit, String output) {
    }

    private QemuTool() {
    }

    static String url(Path socket) {
        return "nbd+unix:///?socket=" + socket;
    }

    static Result run(String tool, String... args) throws IOException, InterruptedException {
        Path exe = find(tool);
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(List.of(args));
        // a file, not a pipe: a tool that writes much cannot block on it while we wait
        Path out = Files.createTempFile("kemari-" + tool, ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail(tool + " did not finish within " + TIMEOUT_SECONDS + " s: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            p.waitFor();
            Files.deleteIfExists(out);
        }
    }

    private static Path find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail(tool + " is not on PATH: the NBD tests drive QEMU's own client with it;"
                + " install Debian's qemu-utils (./verify does so as root)");
    }
}
