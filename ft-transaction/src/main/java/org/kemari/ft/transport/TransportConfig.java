package org.kemari.ft.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to secure the replication connection. Build with {@link #tls}, {@link #tlsPem},
 * {@link #psk}/{@link #pskFile} or {@link #insecure}; the two ends must use the same mode.
 *
 * @param tls              TLS: this host's key and certificate and what it trusts for the peer
 * @param psk              PSK: the shared key, at least 32 bytes
 * @param handshakeTimeout how long a peer may take to authenticate before it is dropped
 */
public record TransportConfig(SecurityMode mode, TlsCredentials tls, byte[] psk, Duration handshakeTimeout) {
    public static final int MIN_PSK_BYTES = 32;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TransportConfig {
        switch (mode) {
            case TLS -> require(tls != null, "TLS needs this host's key and certificate and the peer's CA or certificate");
            case PSK -> require(psk != null && psk.length >= MIN_PSK_BYTES,
                    "the pre-shared key must be at least " + MIN_PSK_BYTES + " bytes, got "
                            + (psk == null ? 0 : psk.length) + " (make one with: head -c 32 /dev/urandom > kemari.psk)");
            case INSECURE -> { }
        }
        require(handshakeTimeout != null && !handshakeTimeout.isNegative() && !handshakeTimeout.isZero(),
                "handshake timeout must be positive");
    }

    /** TLS from PKCS12 files: a keystore with this host's key and certificate, a truststore with the peer's certificate or CA. */
    public static TransportConfig tls(Path keystore, Path truststore, char[] password) {
        return new TransportConfig(SecurityMode.TLS, TlsCredentials.pkcs12(keystore, truststore, password), null,
                DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** TLS from PEM files: see {@link TlsCredentials#pem}. */
    public static TransportConfig tlsPem(Path cert, Path key, Path ca) {
        return new TransportConfig(SecurityMode.TLS, TlsCredentials.pem(cert, key, ca), null, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    public static TransportConfig psk(byte[] key) {
        return new TransportConfig(SecurityMode.PSK, null, key.clone(), DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** Reads the key file: its bytes, as they are, are the key. */
    public static TransportConfig pskFile(Path file) throws IOException {
        byte[] key = Files.readAllBytes(file);
        if (key.length < MIN_PSK_BYTES) {
            throw new IOException("pre-shared key file " + file + " holds " + key.length
                    + " bytes, at least " + MIN_PSK_BYTES + " needed (make one with: head -c 32 /dev/urandom > " + file + ")");
        }
        return psk(key);
    }

    /** Plain TCP. The caller must have an explicit insecure flag from the administrator. */
    public static TransportConfig insecure() {
        return new TransportConfig(SecurityMode.INSECURE, null, null, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    public TransportConfig withHandshakeTimeout(Duration timeout) {
        return new TransportConfig(mode, tls, psk, timeout);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        return "TransportConfig[" + mode + (tls != null ? ", " + tls.describe() : "") + "]";
    }
}
