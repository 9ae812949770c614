package org.kemari.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the replication stream is authenticated. Exactly one of: mutual TLS, a pre-shared key
 * file, or none at all (insecure, which must be asked for by name).
 */
public record Security(Kind kind, Path cert, Path key, Path ca, Path pskFile) {
    public enum Kind { TLS, PSK, INSECURE }

    public static Security tls(Path cert, Path key, Path ca) {
        return new Security(Kind.TLS, cert, key, ca, null);
    }

    public static Security psk(Path file) {
        return new Security(Kind.PSK, null, null, null, file);
    }

    public static Security insecure() {
        return new Security(Kind.INSECURE, null, null, null, null);
    }

    /** The files this choice needs, by config key, so each can be checked and reported by name. */
    public Map<String, Path> files() {
        Map<String, Path> files = new LinkedHashMap<>();
        switch (kind) {
            case TLS -> {
                files.put("security.tls.cert", cert);
                files.put("security.tls.key", key);
                files.put("security.tls.ca", ca);
            }
            case PSK -> files.put("security.psk-file", pskFile);
            case INSECURE -> { }
        }
        return files;
    }
}
