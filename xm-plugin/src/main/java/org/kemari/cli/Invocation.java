package org.kemari.cli;

import org.kemari.pair.StateDir;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;

/**
 * One run of one verb: its parsed command line and where it may write. Output goes only to
 * {@link #out()} and {@link #err()}, never System.out, so tests run verbs in-process.
 *
 * @param console true when stderr is an interactive terminal (progress bars instead of lines)
 */
public record Invocation(String verb, CommandLine line, PrintStream out, PrintStream err, Map<String, String> env,
                         Engine engine, boolean console) {

    /** Default for --state-dir: runtime state is lost on reboot, as a pair's daemons are. */
    static final String DEFAULT_STATE_DIR = "/run/kemari";

    public List<String> args() {
        return line.getArgList();
    }

    public boolean has(String option) {
        return line.hasOption(option);
    }

    public String value(String option) {
        return line.getOptionValue(option);
    }

    public boolean debug() {
        return line.hasOption(Kemari.DEBUG) || "1".equals(env.get("KEMARI_DEBUG"));
    }

    /** --state-dir, else $KEMARI_STATE_DIR, else /run/kemari. */
    public StateDir stateDir() {
        String d = line.getOptionValue(PairOptions.STATE_DIR, env.getOrDefault("KEMARI_STATE_DIR", DEFAULT_STATE_DIR));
        return new StateDir(Path.of(d));
    }

    /** Positional argument {@code i}, or a usage error naming it. */
    public String arg(int i, String name) {
        if (args().size() <= i) {
            throw new CliException(ExitCode.USAGE, "missing " + name + "; see 'kemari " + verb + " --help'");
        }
        return args().get(i);
    }

    /** Refuses positional arguments beyond {@code max}, so a typo is not silently ignored. */
    public void atMostArgs(int max) {
        if (args().size() > max) {
            throw new CliException(ExitCode.USAGE, "unexpected argument '" + args().get(max) + "'; see 'kemari "
                    + verb + " --help'");
        }
    }
}
