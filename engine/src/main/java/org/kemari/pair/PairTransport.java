package org.kemari.pair;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.kemari.config.Compression;
import org.kemari.config.Endpoint;
import org.kemari.config.Security;
import org.kemari.ft.transport.TransportConfig;
import org.kemari.ft.wire.Features;

/** Turns a pairing config's security and compression choices into ft-transaction settings. */
final class PairTransport {
    private PairTransport() {
    }

    static TransportConfig of(Security security) {
        try {
            return switch (security.kind()) {
                case PSK -> TransportConfig.pskFile(security.pskFile());
                case INSECURE -> TransportConfig.insecure();
                case TLS -> TransportConfig.tlsPem(security.cert(), security.key(), security.ca());
            };
        } catch (IOException e) {
            throw new UncheckedIOException("security: " + e.getMessage(), e);
        }
    }

    static int features(Compression compression) {
        return switch (compression) {
            case NONE -> Features.NONE;
            case ZERO -> Features.ZERO_PAGE;
            case LZ4_DELTA -> Features.ALL;
        };
    }

    static InetSocketAddress address(Endpoint e) {
        return new InetSocketAddress(e.host(), e.port());
    }
}
