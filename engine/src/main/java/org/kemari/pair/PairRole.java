package org.kemari.pair;

/** What this host is for a pair, as `kemari status` reports it. */
public enum PairRole {
    PRIMARY, SECONDARY, STOPPED;

    public String token() {
        return name().toLowerCase();
    }
}
