package org.kemari.cli;

import java.nio.file.Path;
import org.kemari.config.PairConfig;
import org.kemari.config.PairConfigLoader;

/** Which pair a verb such as status or unprotect acts on: --pair by name, or --config's pair. */
final class PairSelection {
    private PairSelection() {
    }

    /** The selected pair's name, or null when neither --pair nor --config was given. */
    static String name(Invocation in) {
        if (in.has(PairOptions.PAIR)) {
            return in.value(PairOptions.PAIR);
        }
        return in.has(PairOptions.CONFIG) ? config(in).name() : null;
    }

    static String required(Invocation in) {
        String name = name(in);
        if (name == null) {
            throw new CliException(ExitCode.USAGE, "which pair? give --pair <name> or --config <file>");
        }
        return name;
    }

    static PairConfig config(Invocation in) {
        if (!in.has(PairOptions.CONFIG)) {
            throw new CliException(ExitCode.USAGE, "give --config <file>");
        }
        return new PairConfigLoader().load(Path.of(in.value(PairOptions.CONFIG)));
    }
}
