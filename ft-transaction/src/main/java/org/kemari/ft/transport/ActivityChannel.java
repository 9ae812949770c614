package org.kemari.ft.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;

/**
 * A read side that notes every byte that arrives, so a peer sending one large record over a
 * slow link is not mistaken for a silent one.
 */
public final class ActivityChannel extends FilterReadChannel {
    /**
     * The least silence tolerated before the first epoch is acknowledged (docs/ft-transaction.md
     * §6.1): until then the secondary holds no replica to fail over to, so declaring the peer
     * lost gains nothing and restarts the whole initial synchronisation, which on a loaded host
     * (two JVMs starting, the full guest in flight) can fall silent for longer than a short
     * heartbeat timeout again and again.
     */
    public static final Duration INITIAL_SYNC_SILENCE = Duration.ofSeconds(10);

    /**
     * The silence after which the peer is declared lost: {@code timeout} once an epoch is
     * committed, the longer of it and {@code initial} before.
     */
    public static Duration allowedSilence(Duration timeout, Duration initial, boolean committed) {
        return committed || timeout.compareTo(initial) >= 0 ? timeout : initial;
    }

    private volatile long lastRead = System.nanoTime();
    private volatile boolean ended;
    /** Written by the one reading thread only, so the increment needs no lock. */
    private volatile long bytes;

    public ActivityChannel(ReadableByteChannel in) {
        super(in);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = in.read(dst);
        if (n > 0) {
            lastRead = System.nanoTime();
            bytes += n;
        } else if (n < 0) {
            ended = true;
        }
        return n;
    }

    /** Starts the silence clock now, as if data had arrived (when watching begins). */
    public void touch() {
        lastRead = System.nanoTime();
    }

    /** True once a read met the end of the stream: the peer closed, or its host died. */
    public boolean ended() {
        return ended;
    }

    /** Bytes read so far. */
    public long bytesRead() {
        return bytes;
    }

    /** {@link System#nanoTime()} of the last read that returned data (or of creation). */
    public long lastReadNanos() {
        return lastRead;
    }
}
