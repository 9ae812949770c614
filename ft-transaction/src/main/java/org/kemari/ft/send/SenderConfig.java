package org.kemari.ft.send;

import java.time.Duration;
import org.kemari.ft.transport.ActivityChannel;
import org.kemari.ft.wire.Features;

/**
 * The primary's settings.
 *
 * @param features          page encodings to offer (the secondary may accept fewer)
 * @param maxInFlight       epochs captured but not yet acknowledged before capture waits
 *                          (back-pressure: memory is bounded by this many epochs' dirty pages)
 * @param maxInterval       longest time between epochs when nobody asks for one
 * @param precopyRounds     most live pre-copy rounds before the first paused epoch
 * @param convergedPages    stop pre-copy once a round leaves at most this many dirty pages
 * @param deltaCachePages   pages remembered for XOR-delta encoding (4 KiB each, LRU)
 * @param heartbeatInterval heartbeat on an otherwise idle connection
 * @param peerTimeout       silence after which the secondary is declared lost
 * @param groupCommit       an epoch asked for ({@link EpochSender#requestSync()}) while others are
 *                          unacknowledged is captured only once they are (or {@code maxInterval}
 *                          has passed), so every request made meanwhile shares that one epoch:
 *                          fewer, fuller epochs under concurrent output; without it a request
 *                          is captured at once, up to {@code maxInFlight} pipelined
 * @param initialSilence    the least silence tolerated before the first ACK ({@link ActivityChannel#allowedSilence})
 */
public record SenderConfig(int features, int maxInFlight, Duration maxInterval, int precopyRounds,
                           long convergedPages, int deltaCachePages, Duration heartbeatInterval,
                           Duration peerTimeout, boolean groupCommit, Duration initialSilence) {
    public SenderConfig {
        check(maxInFlight >= 1 && maxInFlight <= 64, "max in-flight epochs must be 1..64: " + maxInFlight);
        check(positive(maxInterval), "max epoch interval must be positive: " + maxInterval);
        check(precopyRounds >= 1, "pre-copy needs at least one round: " + precopyRounds);
        check(convergedPages >= 0, "converged page count must not be negative: " + convergedPages);
        check(deltaCachePages >= 0, "delta cache size must not be negative: " + deltaCachePages);
        check(positive(heartbeatInterval) && peerTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0,
                "peer timeout " + peerTimeout + " must be at least twice the heartbeat interval " + heartbeatInterval);
        check(positive(initialSilence), "initial silence must be positive: " + initialSilence);
    }

    /** All encodings, 4 epochs in flight, an epoch at least every 100 ms, 64 MiB delta cache, no group commit. */
    public static SenderConfig defaults() {
        return new SenderConfig(Features.ALL, 4, Duration.ofMillis(100), 8, 256, 16384,
                Duration.ofMillis(500), Duration.ofSeconds(3), false, ActivityChannel.INITIAL_SYNC_SILENCE);
    }

    public SenderConfig withFeatures(int offered) {
        return new SenderConfig(offered, maxInFlight, maxInterval, precopyRounds, convergedPages, deltaCachePages,
                heartbeatInterval, peerTimeout, groupCommit, initialSilence);
    }

    public SenderConfig withMaxInterval(Duration interval) {
        return new SenderConfig(features, maxInFlight, interval, precopyRounds, convergedPages, deltaCachePages,
                heartbeatInterval, peerTimeout, groupCommit, initialSilence);
    }

    public SenderConfig withMaxInFlight(int epochs) {
        return new SenderConfig(features, epochs, maxInterval, precopyRounds, convergedPages, deltaCachePages,
                heartbeatInterval, peerTimeout, groupCommit, initialSilence);
    }

    public SenderConfig withTimeouts(Duration heartbeat, Duration timeout) {
        return new SenderConfig(features, maxInFlight, maxInterval, precopyRounds, convergedPages, deltaCachePages,
                heartbeat, timeout, groupCommit, initialSilence);
    }

    public SenderConfig withGroupCommit(boolean on) {
        return new SenderConfig(features, maxInFlight, maxInterval, precopyRounds, convergedPages, deltaCachePages,
                heartbeatInterval, peerTimeout, on, initialSilence);
    }

    /** The least silence tolerated before the first epoch is acknowledged ({@link ActivityChannel#allowedSilence}). */
    public SenderConfig withInitialSilence(Duration silence) {
        return new SenderConfig(features, maxInFlight, maxInterval, precopyRounds, convergedPages, deltaCachePages,
                heartbeatInterval, peerTimeout, groupCommit, silence);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
