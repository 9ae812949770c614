package org.kemari.config;

/** How dirty pages travel in an epoch. */
public enum Compression implements Token {
    NONE("none"),
    /** Only all-zero pages are elided. */
    ZERO("zero"),
    /** XOR against the page last sent, then LZ4: cheap on pages where few bytes changed. */
    LZ4_DELTA("lz4-delta");

    private final String token;

    Compression(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
