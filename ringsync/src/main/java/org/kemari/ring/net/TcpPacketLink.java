package org.kemari.ring.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Transmitted frames delivered over TCP to an endpoint outside the FT pair, such as the
 * consistency checker. Framing: each frame is a u32 little-endian length followed by that many
 * bytes of frame, nothing else on the stream. TCP keeps order; frame boundaries come from the
 * length.
 *
 * <p>Connects on the first send. A send that fails closes the connection, reconnects once and
 * sends the frame again; if that fails too the send fails with an IOException naming the
 * endpoint. A frame cut short by the failure may reach the endpoint as a truncated last frame
 * of the old connection, and the frame may arrive twice, as duplicates may on Ethernet.
 *
 * <p>Transmit only: {@link #receive} throws, since the checker sends nothing back.
 */
public final class TcpPacketLink implements PacketLink {
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    private final InetSocketAddress endpoint;
    private final ByteBuffer header = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private SocketChannel channel;
    private boolean closed;

    public TcpPacketLink(InetSocketAddress endpoint) {
        this.endpoint = endpoint;
    }

    public InetSocketAddress endpoint() {
        return endpoint;
    }

    @Override
    public synchronized void send(ByteBuffer frame) throws IOException {
        if (closed) {
            throw new IOException("TCP packet link to " + where() + " is closed");
        }
        try {
            write(frame.duplicate());
        } catch (IOException first) {
            disconnect();
            try {
                write(frame.duplicate());
            } catch (IOException second) {
                disconnect();
                second.addSuppressed(first);
                throw new IOException("TCP packet link: cannot send a " + frame.remaining() + "-byte frame to " + where()
                        + " (reconnected once): " + second.getMessage(), second);
            }
        }
        frame.position(frame.limit());
    }

    private void write(ByteBuffer frame) throws IOException {
        if (channel == null) {
            channel = connect();
        }
        header.clear();
        header.putInt(0, frame.remaining());
        ByteBuffer[] parts = {header, frame};
        while (frame.hasRemaining() || header.hasRemaining()) {
            channel.write(parts);
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open();
        try {
            Socket s = c.socket();
            s.connect(endpoint, CONNECT_TIMEOUT_MILLIS);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return c;
        } catch (IOException e) {
            c.close();
            throw new IOException("connecting to " + where() + ": " + e.getMessage(), e);
        }
    }

    private void disconnect() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the connection is being dropped because it failed; a second failure adds nothing
            }
            channel = null;
        }
    }

    private String where() {
        return endpoint.getHostString() + ":" + endpoint.getPort();
    }

    /** @throws UnsupportedOperationException always: this link only transmits */
    @Override
    public ByteBuffer receive(Duration timeout) {
        throw new UnsupportedOperationException("TCP packet link to " + where()
                + " is transmit-only; it carries the guest's output to the checker and receives nothing");
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (channel != null) {
            SocketChannel c = channel;
            channel = null;
            c.close();
        }
    }
}
