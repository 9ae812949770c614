package org.kemari.cli;

/**
 * A failure the administrator must act on. The message is one line naming the problem and
 * where (file:line:col, host:port, domain); the dispatcher prefixes "kemari: verb: ".
 */
public class CliException extends RuntimeException {
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
