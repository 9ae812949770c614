package org.kemari.pair;

/**
 * Every failure the engine reports to its host, with a {@link Kind} saying what went wrong; the
 * message is one line naming the problem and where (file, host:port, domain). The command line
 * maps kinds to exit codes in one place (its ExitCode); the engine knows nothing of exit codes.
 */
public class EngineException extends RuntimeException {

    /** What went wrong, as far as whoever drives the engine needs to branch on it. */
    public enum Kind {
        /** The pairing config cannot be used as it is (a missing section, an unreadable file it names). */
        CONFIG,
        /** The peer cannot be reached, or this side cannot listen for it. */
        PEER_UNREACHABLE,
        /** The peer failed authentication (a different pre-shared key, an untrusted certificate). */
        AUTHENTICATION,
        /** The peer speaks something other than the replication stream kemari expects. */
        PROTOCOL,
        /** The engine refuses what it was asked: e.g. failover while the primary still holds the lease. */
        REFUSED,
        /** Another host holds the witness lease: the guest may be running there. */
        FENCED,
        /** This build cannot do what the pair needs (a backend without the support it requires). */
        UNSUPPORTED,
        /** Anything else: the message says what. */
        FAILURE
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
