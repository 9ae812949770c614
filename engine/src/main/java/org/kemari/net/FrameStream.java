package org.kemari.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A duplex stream of length-prefixed frames: each frame is a u32 length, then that many bytes,
 * nothing else on the stream. Two peers speak it with different byte orders, so the order is
 * the stream's: QEMU's {@code -netdev stream} (big-endian) and {@code devices.net}, which keeps
 * the little-endian framing of ringsync's {@code TcpPacketLink} and the lab's checker, so one
 * endpoint serves the simulator's netback and this connector alike.
 *
 * <p>One thread reads and one thread writes; a blocking channel allows both at once.
 */
final class FrameStream implements AutoCloseable {
    /** The largest frame {@code devices.net} carries: the checker's limit. */
    static final int ENDPOINT_MAX_FRAME = 65536;
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    private final SocketChannel channel;
    private final int maxFrame;
    private final String name;
    private final ByteBuffer header;
    private final ByteBuffer outHeader;

    private FrameStream(SocketChannel channel, ByteOrder order, int maxFrame, String name) {
        this.channel = channel;
        this.maxFrame = maxFrame;
        this.name = name;
        this.header = ByteBuffer.allocate(Integer.BYTES).order(order);
        this.outHeader = ByteBuffer.allocate(Integer.BYTES).order(order);
    }

    /** Connects to the Unix socket QEMU listens on ({@code -netdev stream,server=on}). */
    static FrameStream qemu(Path socket, int maxFrame) throws IOException {
        String name = "QEMU net socket " + socket;
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.connect(UnixDomainSocketAddress.of(socket));
            return new FrameStream(c, ByteOrder.BIG_ENDIAN, maxFrame, name);
        } catch (IOException e) {
            c.close();
            throw new IOException("net connector: cannot connect to " + name + ": " + reason(e)
                    + " (is the guest's device model up, with -netdev stream,server=on,addr.path=" + socket + "?)", e);
        }
    }

    /** Connects to {@code devices.net}, the outside world's end of the guest's network. */
    static FrameStream endpoint(InetSocketAddress address) throws IOException {
        String name = "devices.net " + address.getHostString() + ":" + address.getPort();
        SocketChannel c = SocketChannel.open();
        try {
            c.socket().connect(address, CONNECT_TIMEOUT_MILLIS);
            c.socket().setTcpNoDelay(true);
            return new FrameStream(c, ByteOrder.LITTLE_ENDIAN, ENDPOINT_MAX_FRAME, name);
        } catch (IOException e) {
            c.close();
            throw new IOException("net connector: cannot connect to " + name + ": " + reason(e), e);
        }
    }

    String name() {
        return name;
    }

    /**
     * The next frame, or null if the peer closed the stream between frames.
     *
     * @throws IOException naming this stream and the length, for a length of zero or over the
     *     limit (the stream cannot be trusted past it), or for a stream that ends inside a frame
     */
    byte[] read() throws IOException {
        header.clear();
        if (!fill(header)) {
            if (header.position() == 0) {
                return null;
            }
            throw new IOException(name + ": EOF after " + header.position() + " of the 4 bytes of a frame length");
        }
        long length = Integer.toUnsignedLong(header.flip().getInt());
        if (length == 0 || length > maxFrame) {
            throw new IOException(name + ": frame length " + length + " is "
                    + (length == 0 ? "zero" : "over the limit of " + maxFrame + " bytes") + "; closing the stream");
        }
        ByteBuffer frame = ByteBuffer.allocate((int) length);
        if (!fill(frame)) {
            throw new IOException(name + ": EOF after " + frame.position() + " of the " + length + " bytes of a frame");
        }
        return frame.array();
    }

    /** Writes {@code frame} (1 to the limit bytes) as one frame; callers serialise writes. */
    void write(byte[] frame) throws IOException {
        outHeader.clear();
        outHeader.putInt(0, frame.length);
        ByteBuffer[] parts = {outHeader, ByteBuffer.wrap(frame)};
        while (parts[1].hasRemaining()) {
            channel.write(parts);
        }
    }

    private boolean fill(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
