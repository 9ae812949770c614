package org.kemari.cli;

import org.kemari.pair.EngineException;
import org.kemari.pair.ReplicationEngine;

/**
 * Every exit status the command line returns, in one place; docs/kemari.1.md lists the same
 * table and {@code kemari help exit-codes} prints it. Codes never change meaning once released:
 * scripts and the Pacemaker agent branch on them.
 */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "failure not covered below"),
    USAGE(2, "bad command line: unknown verb or option, missing or malformed argument"),
    CONFIG(3, "pairing config unusable: unreadable, malformed YAML, unknown key, bad value, missing TLS/PSK file"),
    PEER_UNREACHABLE(4, "the peer's host:port cannot be reached"),
    DOMAIN_NOT_FOUND(5, "no such domain on this host"),
    BACKEND_UNAVAILABLE(6, "the hypervisor backend cannot be opened on this machine"),
    FAILED_OVER(7, "the pair failed over: after protect, the guest runs on the other host; after receive or"
            + " failover, the replica runs here"),
    PROTOCOL(8, "the peer does not speak kemari's replication stream (another protocol or stream version)"),
    AUTH(9, "the peer failed authentication: a different pre-shared key or an untrusted certificate"),
    ENGINE_MISSING(10, "this build cannot run the verb: the engine, or the part of it the pair needs on this backend, is not in it");

    /**
     * The one place engine failures become exit codes: what each {@link EngineException.Kind}
     * means to a script or the Pacemaker agent.
     */
    public static ExitCode of(EngineException.Kind kind) {
        return switch (kind) {
            case CONFIG -> CONFIG;
            case PEER_UNREACHABLE -> PEER_UNREACHABLE;
            case AUTHENTICATION -> AUTH;
            case PROTOCOL -> PROTOCOL;
            case UNSUPPORTED -> ENGINE_MISSING;
            case REFUSED, FENCED, FAILURE -> FAILURE;
        };
    }

    /** How a side's run ended when it did not fail. */
    public static ExitCode of(ReplicationEngine.Outcome outcome) {
        return switch (outcome) {
            case STOPPED, HANDED_OVER -> OK;
            case FAILED_OVER -> FAILED_OVER;
        };
    }

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
