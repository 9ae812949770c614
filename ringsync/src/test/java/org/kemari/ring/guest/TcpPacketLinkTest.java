package org.kemari.ring.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.kemari.ring.net.TcpPacketLink;
import org.junit.jupiter.api.Test;

/** The checker-facing link: framing, lazy connect, one reconnect per send, clear failure. */
class TcpPacketLinkTest {

    @Test
    void framesArriveLengthPrefixedLittleEndianInOrder() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TcpPacketLink link = new TcpPacketLink((InetSocketAddress) server.getLocalSocketAddress())) {
            ByteBuffer first = ByteBuffer.wrap(new byte[] {1, 2, 3});
            link.send(first);
            assertThat(first.hasRemaining()).as("send consumes the frame").isFalse();
            link.send(ByteBuffer.allocate(0));
            link.send(ByteBuffer.wrap(new byte[300]).position(100));
            try (Socket peer = server.accept(); DataInputStream in = new DataInputStream(peer.getInputStream())) {
                assertThat(frame(in)).containsExactly(1, 2, 3);
                assertThat(frame(in)).isEmpty();
                assertThat(frame(in)).hasSize(200);
            }
        }
    }

    @Test
    void anUnreachableEndpointIsNamedInTheError() throws IOException {
        InetSocketAddress gone;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            gone = (InetSocketAddress) s.getLocalSocketAddress();
        }
        try (TcpPacketLink link = new TcpPacketLink(gone)) {
            assertThatThrownBy(() -> link.send(ByteBuffer.allocate(40)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(gone.getHostString() + ":" + gone.getPort())
                    .hasMessageContaining("reconnected once");
            assertThatThrownBy(() -> link.receive(Duration.ZERO)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    /**
     * The endpoint resets the connection (the checker restarting, say). Frames sent before the
     * reset reaches us may be lost, as on a network; the first send that sees the failure
     * reconnects and delivers its frame on the new connection, without the caller noticing.
     */
    @Test
    void aResetConnectionIsReplacedOnTheNextFailingSend() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TcpPacketLink link = new TcpPacketLink((InetSocketAddress) server.getLocalAddress())) {
            link.send(ByteBuffer.wrap(new byte[] {0}));
            try (SocketChannel first = server.accept()) {
                assertThat(frame(new DataInputStream(first.socket().getInputStream()))).containsExactly(0);
                first.socket().setSoLinger(true, 0); // close with RST
            }
            server.configureBlocking(false);
            SocketChannel second = null;
            for (int i = 1; i <= 1000 && second == null; i++) {
                link.send(ByteBuffer.wrap(new byte[] {(byte) i}));
                second = server.accept();
                if (second != null) {
                    second.configureBlocking(true);
                    try (SocketChannel s = second) {
                        assertThat(frame(new DataInputStream(s.socket().getInputStream()))).containsExactly((byte) i);
                    }
                }
            }
            assertThat(second).as("the link reconnected").isNotNull();
        }
    }

    private static byte[] frame(DataInputStream in) throws IOException {
        byte[] frame = new byte[Integer.reverseBytes(in.readInt())];
        in.readFully(frame);
        return frame;
    }
}
