package org.kemari.ft.transport;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * TLS configurations over the test keystores in src/test/resources/tls (made by
 * make-test-keystores.sh there; test-only keys, password "kemari-test").
 */
public final class TestKeystores {
    private static final char[] PASSWORD = "kemari-test".toCharArray();
    public static final TransportConfig PRIMARY = tls("primary", "primary-trust");
    public static final TransportConfig SECONDARY = tls("secondary", "secondary-trust");
    /** A key pair and certificate the secondary does not trust. */
    public static final TransportConfig STRANGER = tls("stranger", "stranger-trust");
    /** Trusts the secondary but has no key of its own to present. */
    public static final TransportConfig CERTLESS = tls("certless", "certless");

    private TestKeystores() {
    }

    private static TransportConfig tls(String keystore, String truststore) {
        return TransportConfig.tls(resource(keystore), resource(truststore), PASSWORD);
    }

    private static Path resource(String name) {
        try {
            return Path.of(TestKeystores.class.getResource("/tls/" + name + ".p12").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
