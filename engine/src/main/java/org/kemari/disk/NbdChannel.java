package org.kemari.disk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Whole-buffer reads and writes on a client's socket; an end of stream mid-buffer is reported with how far it got. */
final class NbdChannel {
    private final SocketChannel ch;

    NbdChannel(SocketChannel ch) {
        this.ch = ch;
    }

    /**
     * Fills {@code b}; returns false if the client hung up before its first byte, throws
     * {@link EOFException} naming {@code what} if it hung up inside it.
     */
    boolean fill(ByteBuffer b, String what) throws IOException {
        int want = b.remaining();
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                int got = want - b.remaining();
                if (got == 0) {
                    return false;
                }
                throw new EOFException("client hung up after " + got + " of the " + want + " bytes of " + what);
            }
        }
        return true;
    }

    /** Like {@link #fill} where an end of stream before the first byte is as wrong as any other. */
    void need(ByteBuffer b, String what) throws IOException {
        if (!fill(b, what)) {
            throw new EOFException("client hung up before " + what);
        }
    }

    void send(ByteBuffer... bufs) throws IOException {
        long left = 0;
        for (ByteBuffer b : bufs) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= ch.write(bufs);
        }
    }
}
