package org.kemari.ft.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to secure the replication connection. Build with {@link #tls}, {@link #psk} or
 * {@link #insecure}; the two ends must use the same mode.
 *
 * @param keystore           TLS: PKCS12 file with this side's private key and certificate
 * @param truststore         TLS: PKCS12 file with the certificates (or CA) the peer may present
 * @param password           TLS: password of both PKCS12 files
 * @param psk                PSK: the shared key, at least 32 bytes
 * @param handshakeTimeout   how long a peer may take to authenticate before it is dropped
 * @param pem                TLS from PEM files instead of PKCS12 (keystore, truststore, password unset)
 */
public record TransportConfig(SecurityMode mode, Path keystore, Path truststore, char[] password,
                              byte[] psk, Duration handshakeTimeout, PemFiles pem) {

    /** This side's certificate chain, its PKCS#8 private key, and the CA or peer certificate(s) to trust. */
    public record PemFiles(Path cert, Path key, Path ca) {
    }

    public static final int MIN_PSK_BYTES = 32;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TransportConfig {
        switch (mode) {
            case TLS -> {
                if (pem != null) {
                    break;
                }
                require(keystore != null, "TLS needs a keystore (PKCS12 with this host's key and certificate)");
                require(truststore != null, "TLS needs a truststore (PKCS12 with the peer's certificate or CA)");
                require(password != null, "TLS needs the keystore password");
            }
            case PSK -> require(psk != null && psk.length >= MIN_PSK_BYTES,
                    "the pre-shared key must be at least " + MIN_PSK_BYTES + " bytes, got "
                            + (psk == null ? 0 : psk.length) + " (make one with: head -c 32 /dev/urandom > kemari.psk)");
            case INSECURE -> { }
        }
        require(handshakeTimeout != null && !handshakeTimeout.isNegative() && !handshakeTimeout.isZero(),
                "handshake timeout must be positive");
    }

    public static TransportConfig tls(Path keystore, Path truststore, char[] password) {
        return new TransportConfig(SecurityMode.TLS, keystore, truststore, password, null, DEFAULT_HANDSHAKE_TIMEOUT, null);
    }

    /** TLS from PEM files, as administrators usually hold them (openssl, a distribution's PKI). */
    public static TransportConfig tlsPem(Path cert, Path key, Path ca) {
        return new TransportConfig(SecurityMode.TLS, null, null, null, null, DEFAULT_HANDSHAKE_TIMEOUT,
                new PemFiles(cert, key, ca));
    }

    public static TransportConfig psk(byte[] key) {
        return new TransportConfig(SecurityMode.PSK, null, null, null, key.clone(), DEFAULT_HANDSHAKE_TIMEOUT, null);
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
        return new TransportConfig(SecurityMode.INSECURE, null, null, null, null, DEFAULT_HANDSHAKE_TIMEOUT, null);
    }

    public TransportConfig withHandshakeTimeout(Duration timeout) {
        return new TransportConfig(mode, keystore, truststore, password, psk, timeout, pem);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        return "TransportConfig[" + mode + (pem != null ? ", cert " + pem.cert() + ", ca " + pem.ca() : "")
                + (keystore != null ? ", keystore " + keystore : "")
                + (truststore != null ? ", truststore " + truststore : "") + "]";
    }
}
