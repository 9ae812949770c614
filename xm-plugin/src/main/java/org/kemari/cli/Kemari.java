package org.kemari.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.AlreadySelectedException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;
import org.kemari.config.ConfigException;
import org.kemari.config.DidYouMean;
import org.kemari.pair.EngineException;
import org.kemari.xen.XenException;

/**
 * The {@code kemari} command: picks the verb, parses its options, prints help, and turns every
 * failure into one line on stderr, {@code kemari: <verb>: <what>}, and an {@link ExitCode}.
 * Returns the exit code instead of exiting so it runs in tests; only {@link Main} exits.
 */
public final class Kemari {
    static final String HELP = "help";
    static final String DEBUG = "debug";
    private static final int HELP_WIDTH = 74;

    private final Engine engine;
    private final boolean console;
    private final Map<String, Verb> verbs = new LinkedHashMap<>();

    /** @param console whether stderr is an interactive terminal (System.console() != null) */
    public Kemari(Engine engine, boolean console) {
        this.engine = engine;
        this.console = console;
        for (Verb v : List.of(new ProtectVerb(), new ReceiveVerb(), new StatusVerb(), new FailoverVerb(), new SwitchoverVerb(),
                new UnprotectVerb(), EngineVerb.demo(), EngineVerb.bench(), new TortureVerb(), new ConfigVerb(),
                new VersionVerb())) {
            verbs.put(v.name(), v);
        }
    }

    /** The verb called {@code name}, or null. */
    Verb verb(String name) {
        return verbs.get(name);
    }

    public int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length == 0) {
            err.print(overview());
            return ExitCode.USAGE.code();
        }
        String first = args[0];
        if (first.equals(HELP) || first.equals("--help") || first.equals("-h")) {
            return help(args, out, err);
        }
        Verb verb = verbs.get(first.equals("--version") ? "version" : first);
        if (verb == null) {
            String what = first.startsWith("-") ? "unknown option '" + first + "' (options follow the verb)"
                    : "unknown verb '" + first + "'" + DidYouMean.hint(first, verbs.keySet());
            err.println("kemari: " + what + "; run 'kemari --help' for the verbs");
            return ExitCode.USAGE.code();
        }
        Options options = withCommon(verb.options());
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).get()
                    .parse(options, Arrays.copyOfRange(args, 1, args.length));
        } catch (ParseException e) {
            err.println("kemari: " + verb.name() + ": " + describe(e, options) + "; see 'kemari " + verb.name()
                    + " --help'");
            return ExitCode.USAGE.code();
        }
        if (line.hasOption(HELP)) {
            out.print(help(verb));
            return ExitCode.OK.code();
        }
        Invocation in = new Invocation(verb.name(), line, out, err, env, engine, console);
        return execute(verb, in).code();
    }

    private ExitCode execute(Verb verb, Invocation in) {
        try {
            return verb.run(in);
        } catch (CliException e) {
            return fail(in, e.exitCode(), e.getMessage(), e);
        } catch (EngineException e) {
            return fail(in, ExitCode.of(e.kind()), e.getMessage(), e);
        } catch (ConfigException e) {
            return fail(in, ExitCode.CONFIG, e.getMessage(), e);
        } catch (XenException e) {
            return fail(in, ExitCode.FAILURE, e.getMessage(), e);
        } catch (UncheckedIOException e) {
            return fail(in, ExitCode.FAILURE, e.getCause().getMessage(), e);
        } catch (RuntimeException e) {
            return fail(in, ExitCode.FAILURE, "internal error: " + e
                    + (in.debug() ? "" : " (rerun with --debug for the stack trace)"), e);
        }
    }

    private static ExitCode fail(Invocation in, ExitCode code, String message, Throwable t) {
        in.err().println("kemari: " + in.verb() + ": " + message);
        if (in.debug()) {
            t.printStackTrace(in.err());
        }
        return code;
    }

    private static String describe(ParseException e, Options options) {
        if (e instanceof UnrecognizedOptionException u) {
            return "unknown option '" + u.getOption() + "'" + DidYouMean.hint(u.getOption(),
                    PairOptions.spellings(options));
        }
        if (e instanceof MissingArgumentException m) {
            Option o = m.getOption();
            return "option " + (o.getLongOpt() != null ? "--" + o.getLongOpt() : "-" + o.getOpt())
                    + " needs a value <" + o.getArgName() + ">";
        }
        if (e instanceof AlreadySelectedException a) {
            return "option " + a.getOption().getKey() + " conflicts with " + a.getOptionGroup().getSelected();
        }
        return e.getMessage();
    }

    private int help(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !args[0].equals(HELP)) {
            out.print(overview());
            return ExitCode.OK.code();
        }
        if (args[1].equals("exit-codes")) {
            out.print(exitCodes());
            return ExitCode.OK.code();
        }
        Verb v = verbs.get(args[1]);
        if (v == null) {
            err.println("kemari: help: unknown verb '" + args[1] + "'" + DidYouMean.hint(args[1], verbs.keySet()));
            return ExitCode.USAGE.code();
        }
        out.print(help(v));
        return ExitCode.OK.code();
    }

    private String overview() {
        StringBuilder sb = new StringBuilder("usage: kemari <verb> [options]   (kemari <verb> --help for details)\n")
                .append("       xm migrate <domain> <dest[:port]> --kemari [options]   (same as kemari protect)\n\n")
                .append("Fault-tolerant Xen guests: keep a paused replica on a second host, current to\n")
                .append("the last moment the guest's state became visible outside.\n\nverbs:\n");
        for (Verb v : verbs.values()) {
            sb.append(String.format("  %-10s %s%n", v.name(), v.summary()));
        }
        return sb.append("\nkemari help exit-codes   the exit statuses scripts can rely on\n")
                .append("--debug or KEMARI_DEBUG=1 adds stack traces to errors.\n").toString();
    }

    static String exitCodes() {
        StringBuilder sb = new StringBuilder("exit codes:\n");
        for (ExitCode c : ExitCode.values()) {
            sb.append(String.format("  %2d  %-19s %s%n", c.code(), c.name(), c.meaning()));
        }
        return sb.toString();
    }

    static String help(Verb verb) {
        StringBuilder sb = new StringBuilder();
        HelpFormatter formatter = HelpFormatter.builder().setHelpAppendable(new TextHelpAppendable(sb))
                .setShowSince(false).get();
        formatter.setSyntaxPrefix("usage:");
        try {
            formatter.printHelp("kemari " + verb.name() + " " + verb.syntax(), verb.summary(),
                    withCommon(verb.options()), null, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!verb.details().isEmpty()) {
            sb.append(wrap(verb.details(), HELP_WIDTH)).append('\n');
        }
        sb.append(" Exit codes: kemari help exit-codes.\n");
        return sb.toString().replaceAll("[ \\t]+\\n", "\n");
    }

    /** Fills words into lines of at most {@code width}, indented one space like the option table. */
    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                out.append(line).append('\n');
                line.setLength(0);
            }
            line.append(' ').append(word);
        }
        return out.append(line).append('\n').toString();
    }

    private static Options withCommon(Options verbOptions) {
        Options o = new Options();
        verbOptions.getOptions().forEach(o::addOption);
        o.addOption(Option.builder("h").longOpt(HELP).desc("show this help").get());
        o.addOption(Option.builder().longOpt(DEBUG).desc("stack traces on errors (or KEMARI_DEBUG=1)").get());
        return o;
    }
}
