package org.kemari.config;

/** A replication endpoint, host and TCP port; IPv6 literals are written in brackets, "[::1]:8102". */
public record Endpoint(String host, int port) {
    /** The port Kemari listens on when none is given. */
    public static final int DEFAULT_PORT = 8102;

    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (expected 1-65535)");
        }
    }

    /** Parses "host", "host:port", "[v6]" or "[v6]:port". @throws IllegalArgumentException */
    public static Endpoint parse(String text) {
        String t = text.trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("expected host:port, got '" + text + "' (unclosed '[')");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("expected [address]:port, got '" + text + "'");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon >= 0 && t.indexOf(':') != colon) {
                throw new IllegalArgumentException("IPv6 address must be in brackets, e.g. [" + t + "]:"
                        + DEFAULT_PORT + ", got '" + text + "'");
            }
            host = colon < 0 ? t : t.substring(0, colon);
            port = colon < 0 ? null : t.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "' (no host)");
        }
        if (port == null) {
            return new Endpoint(host, DEFAULT_PORT);
        }
        if (!port.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("port '" + port + "' is not a number (expected 1-65535)");
        }
        return new Endpoint(host, Integer.parseInt(port));
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
