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
    /** Secondary: listening, or holding a replica. */
    RECEIVING,
    /** Secondary: lease taken, bringing the replica up. */
    TAKING_OVER,
    /** Secondary: the replica runs here. */
    FAILED_OVER,
    /** The daemon stopped. */
    STOPPED;

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
