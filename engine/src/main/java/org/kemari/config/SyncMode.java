package org.kemari.config;

/** What triggers an epoch. */
public enum SyncMode implements Token {
    /** Kemari proper: an epoch whenever the guest's state is about to become visible (held I/O). */
    EVENT("event"),
    /** Remus-style: an epoch every interval, whether or not the guest did I/O. */
    PERIODIC("periodic"),
    /** Event-driven, plus an epoch at least every interval so a quiet guest's replica stays fresh. */
    HYBRID("hybrid");

    private final String token;

    SyncMode(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
