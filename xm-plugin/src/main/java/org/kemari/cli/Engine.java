package org.kemari.cli;

import org.kemari.pair.StateDir;
import org.kemari.config.PairConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;

/**
 * The replication machinery the verbs drive: ft-transaction's sender and receiver, event-tap,
 * ringsync's re-attach. The command line does everything up to the call (options, config,
 * backend, domain lookup, daemon state) and hands over a {@link PairSession}. Wiring an engine
 * in is implementing the verbs it serves, saying so in {@link #missing}, and passing it to
 * {@link Kemari} (see {@link Main#engine()}). Every verb not implemented fails with
 * {@link ExitCode#ENGINE_MISSING} and a line naming what is missing, instead of pretending.
 */
public interface Engine {
    /** The engine of a build in which no replication module is connected to the command line. */
    Engine NONE = new Engine() {
    };

    /** Null when this engine can run {@code verb}; else one line saying what is missing. */
    default String missing(String verb) {
        return UnwiredEngine.reason(verb);
    }

    /**
     * Called by protect before the domain is looked up, with the pair's backend open: the place
     * to make the guest exist where the backend starts empty (a simulated host has only
     * Domain-0). Does nothing by default; on Xen the guest is the administrator's.
     */
    default void prepareHost(PairConfig pair, Hypervisor hypervisor, java.io.PrintStream log) {
    }

    /**
     * protect --create, in the daemon's process: starts the devices the guest's device model needs
     * from its first instant, then builds the guest from {@code xlConfig}; returns it.
     */
    default DomainInfo create(PairConfig pair, Hypervisor hypervisor, java.nio.file.Path xlConfig, java.io.PrintStream log) {
        throw missingError("protect");
    }

    /** Primary: initial sync, then epochs until stopped or failed over. Runs in the foreground. */
    default ExitCode protect(PairSession session) {
        throw missingError("protect");
    }

    /** Secondary: accept the stream, keep the replica, fail over when the primary dies. */
    default ExitCode receive(PairSession session) {
        throw missingError("receive");
    }

    /**
     * Activate the local replica now (operator-initiated failover): asks the receive daemon whose
     * state is in {@code states}; the session has no daemon control of its own.
     */
    default ExitCode failover(PairSession session, StateDir states) {
        throw missingError("failover");
    }

    /**
     * Hand the guest over to the secondary (planned switchover): asks the protect daemon whose
     * state is in {@code states}.
     */
    default ExitCode switchover(PairConfig pair, java.io.PrintStream log, StateDir states) {
        throw missingError("switchover");
    }

    /** The self-contained demonstration on the simulator. */
    default ExitCode demo(Invocation in) {
        throw missingError("demo");
    }

    default ExitCode bench(Invocation in) {
        throw missingError("bench");
    }

    /** Throws the engine-missing error for {@code verb} if this engine cannot run it. */
    default void require(String verb) {
        if (missing(verb) != null) {
            throw missingError(verb);
        }
    }

    private CliException missingError(String verb) {
        String why = missing(verb);
        return new CliException(ExitCode.ENGINE_MISSING, why != null ? why : UnwiredEngine.reason(verb));
    }
}
