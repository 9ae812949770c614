package org.kemari.config;

import java.time.Duration;

/** Liveness between the pair: the secondary suspects the primary after {@code timeout} of silence. */
public record Heartbeat(Duration interval, Duration timeout) {
    public static final Heartbeat DEFAULT = new Heartbeat(Duration.ofMillis(100), Duration.ofSeconds(1));
}
