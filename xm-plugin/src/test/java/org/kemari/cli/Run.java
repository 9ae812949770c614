package org.kemari.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** One in-process run of the kemari command line, with what it printed. */
record Run(int code, String out, String err) {
    static Run of(Engine engine, Path stateDir, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("KEMARI_STATE_DIR", stateDir.toString(), "TERM", "dumb");
        int code = new Kemari(engine, false).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The single error line, checked to be exactly one line. */
    String errorLine() {
        if (!err.endsWith("\n") || err.indexOf('\n') != err.length() - 1) {
            throw new AssertionError("expected exactly one line on stderr, got:\n" + err);
        }
        return err.substring(0, err.length() - 1);
    }
}
