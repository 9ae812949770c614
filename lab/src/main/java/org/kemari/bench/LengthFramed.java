package org.kemari.bench;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Ethernet frames on a TCP stream as {@link org.kemari.ring.net.TcpPacketLink} frames them: a
 * u32 little-endian length, then the frame. Both ends of the bench's loopback wire use it.
 */
final class LengthFramed {
    /** Bigger than any frame a vif sends unsegmented; a larger length means the stream is out of step. */
    static final int MAX_FRAME = 65536;

    private LengthFramed() {
    }

    /** Writes the remaining bytes of {@code frame} as one frame and flushes; the caller serialises writers. */
    static void write(OutputStream out, ByteBuffer frame) throws IOException {
        ByteBuffer f = frame.duplicate();
        byte[] bytes = new byte[Integer.BYTES + f.remaining()];
        int n = f.remaining();
        bytes[0] = (byte) n;
        bytes[1] = (byte) (n >>> 8);
        bytes[2] = (byte) (n >>> 16);
        bytes[3] = (byte) (n >>> 24);
        f.get(bytes, Integer.BYTES, n);
        out.write(bytes);
        out.flush();
    }

    /** Reads the rest of a frame whose first length byte is {@code first}. */
    static ByteBuffer readAfter(int first, DataInputStream in) throws IOException {
        if (first < 0) {
            throw new EOFException("the other end closed the wire");
        }
        int n = first | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16 | in.readUnsignedByte() << 24;
        if (n < 0 || n > MAX_FRAME) {
            throw new IOException("frame length " + Integer.toUnsignedString(n) + " on the wire: the stream is out of step");
        }
        byte[] frame = new byte[n];
        in.readFully(frame);
        return ByteBuffer.wrap(frame);
    }
}
