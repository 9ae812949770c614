package org.kemari.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The connector's counterparts in tests: a listening socket that speaks length-prefixed frames
 * in a given byte order, as QEMU's {@code -netdev stream,server=on} (Unix, big-endian) or
 * {@code devices.net} (TCP, little-endian) do. Each accepted connection queues what it reads.
 */
final class FakePeer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final ByteOrder order;
    private final Path unixPath;
    private final List<Connection> connections = new ArrayList<>();

    private FakePeer(ServerSocketChannel server, ByteOrder order, Path unixPath) {
        this.server = server;
        this.order = order;
        this.unixPath = unixPath;
    }

    /** A fake QEMU listening on {@code path}. */
    static FakePeer qemu(Path path) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(path));
        return new FakePeer(s, ByteOrder.BIG_ENDIAN, path);
    }

    /** A fake {@code devices.net} on a loopback port. */
    static FakePeer endpoint() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new FakePeer(s, ByteOrder.LITTLE_ENDIAN, null);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    /** The next connection; the connector's connect has already completed in the backlog. */
    Connection accept() throws IOException {
        Connection c = new Connection(server.accept(), order);
        synchronized (connections) {
            connections.add(c);
        }
        return c;
    }

    @Override
    public void close() throws IOException {
        synchronized (connections) {
            for (Connection c : connections) {
                c.close();
            }
        }
        server.close();
        if (unixPath != null) {
            Files.deleteIfExists(unixPath);
        }
    }

    static final class Connection implements AutoCloseable {
        private final SocketChannel channel;
        private final ByteOrder order;
        private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        private final Thread reader;

        Connection(SocketChannel channel, ByteOrder order) {
            this.channel = channel;
            this.order = order;
            this.reader = new Thread(this::read, "fake-peer-reader");
            reader.setDaemon(true);
            reader.start();
        }

        void send(byte[] frame) throws IOException {
            write(ByteBuffer.allocate(4 + frame.length).order(order).putInt(frame.length).put(frame).flip());
        }

        /** Writes raw bytes, for malformed framing. */
        void write(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }

        /** The next frame received, or null after {@code wait}. */
        byte[] poll(Duration wait) throws InterruptedException {
            return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        byte[] take() throws InterruptedException {
            byte[] f = poll(Duration.ofSeconds(5));
            if (f == null) {
                throw new AssertionError("no frame arrived within 5 s");
            }
            return f;
        }

        private void read() {
            ByteBuffer header = ByteBuffer.allocate(4).order(order);
            try {
                while (true) {
                    header.clear();
                    if (!fill(header)) {
                        return;
                    }
                    ByteBuffer frame = ByteBuffer.allocate(header.flip().getInt());
                    if (!fill(frame)) {
                        return;
                    }
                    received.add(frame.array());
                }
            } catch (IOException closed) {
                // the test closed this connection
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
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
