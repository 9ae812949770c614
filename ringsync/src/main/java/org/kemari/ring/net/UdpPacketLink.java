package org.kemari.ring.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Frames carried one per UDP datagram between this backend and an endpoint outside the FT pair
 * (a bridge helper, a test client), typically on loopback. UDP keeps frame boundaries and, like
 * Ethernet, may lose or duplicate frames, which is also what a failover replay can do. A frame
 * longer than a datagram can carry (65507 bytes over IPv4) fails to send.
 *
 * <p>The channel is not connected: a connected UDP socket reports an ICMP "port unreachable"
 * for an earlier frame on a later call, which would fail an unrelated frame. Instead datagrams
 * from anyone but the peer are dropped.
 */
public final class UdpPacketLink implements PacketLink {
    private static final int MAX_DATAGRAM = 65535;

    private final DatagramChannel channel;
    private final Selector selector;
    private final SocketAddress peer;
    private final ByteBuffer inbound = ByteBuffer.allocateDirect(MAX_DATAGRAM);

    private UdpPacketLink(DatagramChannel channel, Selector selector, SocketAddress peer) {
        this.channel = channel;
        this.selector = selector;
        this.peer = peer;
    }

    /** Binds {@code local} (port 0 picks one) and exchanges frames with {@code peer}. */
    public static UdpPacketLink open(InetSocketAddress local, InetSocketAddress peer) throws IOException {
        DatagramChannel channel = DatagramChannel.open(local.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.bind(local);
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            return new UdpPacketLink(channel, selector, peer);
        } catch (IOException e) {
            channel.close();
            throw new IOException("net backend: cannot bind UDP " + local + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void send(ByteBuffer frame) throws IOException {
        int length = frame.remaining();
        if (channel.send(frame, peer) != length) {
            throw new IOException("UDP send of a " + length + "-byte frame to " + peer + " was not taken whole");
        }
    }

    @Override
    public ByteBuffer receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            inbound.clear();
            SocketAddress from = channel.receive(inbound);
            if (from == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
            } else if (from.equals(peer)) {
                inbound.flip();
                return ByteBuffer.allocate(inbound.remaining()).put(inbound).flip();
            }
        }
    }

    @Override
    public void close() throws IOException {
        try (selector) {
            channel.close();
        }
    }
}
