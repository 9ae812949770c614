package org.kemari.pair;

/** The states of docs/failover.md, as daemons publish them in `kemari status`. */
public enum PairPhase {
    SYNCING, PROTECTED, DEGRADED, STALLED, FENCED, RECEIVING, TAKING_OVER, FAILED_OVER, STOPPED;

    /** The word `kemari status` and the OCF agent read. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
