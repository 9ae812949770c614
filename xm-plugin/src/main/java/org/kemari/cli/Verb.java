package org.kemari.cli;

import org.apache.commons.cli.Options;

/**
 * One {@code kemari <verb>}. The dispatcher parses the verb's {@link #options()} (plus --help
 * and --debug), prints help, and turns exceptions into one-line errors and exit codes, so a
 * verb only does its work.
 */
interface Verb {
    String name();

    /** One line for the verb list. */
    String summary();

    /** What follows "kemari name", e.g. "[options] <file>". */
    default String syntax() {
        return "";
    }

    /** Text after the option table: details, examples. */
    default String details() {
        return "";
    }

    /** The verb's own options; --help and --debug are added by the dispatcher. */
    default Options options() {
        return new Options();
    }

    ExitCode run(Invocation in);
}
