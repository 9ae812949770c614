package org.kemari.cli;

/**
 * The replication machinery the verbs drive: ft-transaction's sender and receiver, event-tap,
 * ringsync's re-attach. The command line does everything up to the call (options, config,
 * backend, domain lookup, daemon state) and hands over a {@link PairSession}. Wiring an engine
 * in is implementing this and passing it to {@link Kemari}; until then {@link #NONE} makes the
 * verbs fail with {@link ExitCode#ENGINE_MISSING} instead of pretending.
 */
public interface Engine {
    Engine NONE = new UnwiredEngine();

    /** Null when this engine can run {@code verb}; else one line saying what is missing. */
    String missing(String verb);

    /** Primary: initial sync, then epochs until stopped or failed over. Runs in the foreground. */
    ExitCode protect(PairSession session);

    /** Secondary: accept the stream, keep the replica, fail over when the primary dies. */
    ExitCode receive(PairSession session);

    /** Activate the local replica now (operator-initiated failover). */
    ExitCode failover(PairSession session);

    /** The self-contained demonstration on the simulator. */
    ExitCode demo(Invocation in);

    ExitCode bench(Invocation in);

    /** Throws the engine-missing error for {@code verb} if this engine cannot run it. */
    default void require(String verb) {
        String why = missing(verb);
        if (why != null) {
            throw new CliException(ExitCode.ENGINE_MISSING, why);
        }
    }
}
