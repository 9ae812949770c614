package org.kemari.ft.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A read side that notes every byte that arrives, so a peer sending one large record over a
 * slow link is not mistaken for a silent one.
 */
public final class ActivityChannel extends FilterReadChannel {
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
