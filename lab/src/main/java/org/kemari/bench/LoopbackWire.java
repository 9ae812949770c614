package org.kemari.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.kemari.ring.net.PacketLink;

/**
 * Dom0's end of a server guest's vif, plugged into one loopback TCP connection to the clients:
 * what netback transmits goes to them, what they send comes back as received frames. The
 * checker's {@link org.kemari.ring.net.TcpPacketLink} only transmits; a server also receives.
 * One thread receives (the rx pump), any thread may send.
 */
final class LoopbackWire implements PacketLink {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    LoopbackWire(InetSocketAddress clients) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(clients, 2000);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = new BufferedOutputStream(socket.getOutputStream());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void send(ByteBuffer frame) throws IOException {
        synchronized (out) {
            LengthFramed.write(out, frame);
        }
        frame.position(frame.limit());
    }

    /** The next frame, waiting up to {@code timeout}; zero only looks at what already arrived. */
    @Override
    public ByteBuffer receive(Duration timeout) throws IOException {
        if (timeout.isZero()) {
            return in.available() > 0 ? LengthFramed.readAfter(in.read(), in) : null;
        }
        int first;
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            first = in.read();
        } catch (SocketTimeoutException e) {
            return null;
        }
        // the rest of a frame follows its first byte at once; waiting for it has no timeout
        socket.setSoTimeout(0);
        return LengthFramed.readAfter(first, in);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
