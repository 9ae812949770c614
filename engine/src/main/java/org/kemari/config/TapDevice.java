package org.kemari.config;

/** Device classes whose outgoing requests event-tap holds until their epoch is acknowledged. */
public enum TapDevice implements Token {
    BLOCK("block"), NET("net");

    private final String token;

    TapDevice(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
