package org.kemari.pair;

import java.util.Locale;

/**
 * The one phase type: the states of docs/failover.md, as daemons publish them in `kemari status`
 * and the OCF agent reads them. docs/kemari.1.md lists exactly these words.
 */
public enum PairPhase {
    /** The daemon runs; the engine has not reported yet. */
    STARTING,
    /** Primary: full (re)synchronisation to the secondary. */
    SYNCING,
    /** Primary: every epoch acknowledged, output released on acknowledgement. */
    PROTECTED,
    /** Primary: no secondary; the guest runs unprotected until one returns. */
    DEGRADED,
    /** Primary: the secondary refuses this host's credentials (different key?); retried with back-off. */
    AUTH_FAILED,
    /** Primary: the witness lease cannot be renewed; output is held. */
    STALLED,
    /** Primary: another host took the witness lease; the guest here was destroyed. */
    FENCED,
    /** Primary: the guest was handed over to the secondary (controlled switchover); the daemon ends. */
    HANDED_OVER,
    /** Secondary: listening, or holding a replica. */
    RECEIVING,
    /** Secondary: lease taken, bringing the replica up. */
    TAKING_OVER,
    /** Secondary: the replica runs here. */
    FAILED_OVER,
    /** The daemon stopped. */
    STOPPED;

    /**
     * The role a daemon plays while in this phase, or null for {@link #STARTING} and
     * {@link #STOPPED}, which keep the role it started with. A receive daemon that failed over
     * and protects the guest again (syncing, protected, degraded) is the pair's primary.
     */
    public PairRole role() {
        return switch (this) {
            case SYNCING, PROTECTED, DEGRADED, AUTH_FAILED, STALLED, FENCED, HANDED_OVER -> PairRole.PRIMARY;
            case RECEIVING, TAKING_OVER, FAILED_OVER -> PairRole.SECONDARY;
            case STARTING, STOPPED -> null;
        };
    }

    /** True if a daemon in this phase runs the guest on its host. */
    public boolean runsGuest() {
        return this == FAILED_OVER || this == SYNCING || this == PROTECTED || this == DEGRADED || this == AUTH_FAILED || this == STALLED;
    }

    /** The word `kemari status` and the OCF agent read. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The phase a state file names. */
    public static PairPhase ofWord(String word) {
        for (PairPhase p : values()) {
            if (p.word().equals(word)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown phase '" + word + "'");
    }

    @Override
    public String toString() {
        return word();
    }
}
