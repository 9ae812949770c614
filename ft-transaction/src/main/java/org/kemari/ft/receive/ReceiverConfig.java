package org.kemari.ft.receive;

import java.time.Duration;
import org.kemari.ft.transport.ActivityChannel;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.Wire;

/**
 * The secondary's settings.
 *
 * @param replicaName       name of the paused replica domain created at the start of the stream
 * @param features          the page encodings this side accepts (docs/ft-transaction.md §3.1)
 * @param heartbeatInterval how often to send a heartbeat on an otherwise idle connection
 * @param primaryTimeout    silence after which the primary is declared lost
 * @param maxRecord         the largest record body accepted
 * @param initialSilence    the least silence tolerated before the first commit ({@link ActivityChannel#allowedSilence})
 */
public record ReceiverConfig(String replicaName, int features, Duration heartbeatInterval,
                             Duration primaryTimeout, int maxRecord, Duration initialSilence) {
    public ReceiverConfig {
        if (replicaName == null || replicaName.isBlank()) {
            throw new IllegalArgumentException("replica domain name is empty");
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()
                || primaryTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("primary timeout " + primaryTimeout
                    + " must be at least twice the heartbeat interval " + heartbeatInterval);
        }
        if (maxRecord < 64 * 1024 || maxRecord > Wire.MAX_RECORD) {
            throw new IllegalArgumentException("max record " + maxRecord + " outside 65536.." + Wire.MAX_RECORD);
        }
        if (initialSilence.isNegative() || initialSilence.isZero()) {
            throw new IllegalArgumentException("initial silence must be positive: " + initialSilence);
        }
    }

    /** All encodings, 500 ms heartbeats, 3 s timeout. */
    public static ReceiverConfig defaults(String replicaName) {
        return new ReceiverConfig(replicaName, Features.ALL, Duration.ofMillis(500), Duration.ofSeconds(3), Wire.MAX_RECORD,
                ActivityChannel.INITIAL_SYNC_SILENCE);
    }

    public ReceiverConfig withTimeouts(Duration heartbeat, Duration timeout) {
        return new ReceiverConfig(replicaName, features, heartbeat, timeout, maxRecord, initialSilence);
    }

    public ReceiverConfig withFeatures(int accepted) {
        return new ReceiverConfig(replicaName, accepted, heartbeatInterval, primaryTimeout, maxRecord, initialSilence);
    }

    public ReceiverConfig withInitialSilence(Duration silence) {
        return new ReceiverConfig(replicaName, features, heartbeatInterval, primaryTimeout, maxRecord, silence);
    }
}
