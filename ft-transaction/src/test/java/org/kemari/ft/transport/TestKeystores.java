package org.kemari.ft.transport;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * TLS configurations over the test keys in src/test/resources/tls (made by make-test-keystores.sh
 * there with keytool and openssl; test-only keys, PKCS12 password "kemari-test").
 */
public final class TestKeystores {
    private static final char[] PASSWORD = "kemari-test".toCharArray();
    public static final TransportConfig PRIMARY = tls("primary", "primary-trust");
    public static final TransportConfig SECONDARY = tls("secondary", "secondary-trust");
    /** A key pair and certificate the secondary does not trust. */
    public static final TransportConfig STRANGER = tls("stranger", "stranger-trust");
    /** Trusts the secondary but has no key of its own to present. */
    public static final TransportConfig CERTLESS = tls("certless", "certless");

    /** The same pairing from PEM files as openssl writes them; each side's CA is the other's self-signed certificate. */
    public static final TransportConfig PRIMARY_PEM = TransportConfig.tlsPem(file("primary.crt"), file("primary.key"),
            file("secondary.crt"));
    public static final TransportConfig SECONDARY_PEM = TransportConfig.tlsPem(file("secondary.crt"), file("secondary.key"),
            file("primary.crt"));

    private TestKeystores() {
    }

    private static TransportConfig tls(String keystore, String truststore) {
        return TransportConfig.tls(file(keystore + ".p12"), file(truststore + ".p12"), PASSWORD);
    }

    static Path file(String name) {
        try {
            return Path.of(TestKeystores.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
