package org.kemari.ft.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Opens replication connections over TCP: the primary {@link #connect}s, the secondary
 * {@link #listen}s and {@link Acceptor#accept}s. Both return only once the peer is
 * authenticated in the configured mode, so no stream byte is read from a stranger.
 */
public final class Transport {
    private Transport() {
    }

    /** Connects to the secondary at {@code address} and authenticates both ends. */
    public static Link connect(InetSocketAddress address, TransportConfig config) throws IOException {
        String peer = "secondary " + address;
        if (config.mode() == SecurityMode.TLS) {
            SSLSocket s = (SSLSocket) Tls.context(config).getSocketFactory().createSocket();
            return secure(s, () -> {
                s.connect(address, (int) config.handshakeTimeout().toMillis());
                return tls(s, peer, config);
            });
        }
        SocketChannel ch = SocketChannel.open();
        return secure(ch, () -> {
            try (Deadline d = new Deadline(config.handshakeTimeout(), ch)) {
                ch.connect(address);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (config.mode() == SecurityMode.PSK) {
                    Psk.Keys k = timely(d, peer, config, () -> Psk.asPrimary(ch, config.psk(), peer));
                    return macLink(ch, k.secondaryToPrimary(), k.primaryToSecondary(), peer);
                }
                return new ChannelLink(ch, ch, ch, peer, SecurityMode.INSECURE);
            }
        });
    }

    /** Listens on {@code address} (port 0 picks a free port). */
    public static Acceptor listen(InetSocketAddress address, TransportConfig config) throws IOException {
        return new Acceptor(address, config);
    }

    /** Authenticates a connected TLS socket within the handshake timeout. */
    private static Link tls(SSLSocket s, String peer, TransportConfig config) throws IOException {
        s.setTcpNoDelay(true);
        s.setSoTimeout((int) config.handshakeTimeout().toMillis());
        String who = Tls.handshake(s, peer);
        s.setSoTimeout(0);
        return Tls.link(s, who);
    }

    private static Link macLink(SocketChannel ch, byte[] inKey, byte[] outKey, String peer) {
        return new ChannelLink(new MacFrames.Reader(ch, inKey, peer), new MacFrames.Writer(ch, outKey),
                ch, peer, SecurityMode.PSK);
    }

    private interface Setup {
        Link run() throws IOException;
    }

    private interface Handshake {
        Psk.Keys run() throws IOException;
    }

    /** Runs a handshake; if its deadline closed the socket, says so instead of "socket closed". */
    private static Psk.Keys timely(Deadline d, String peer, TransportConfig config, Handshake h) throws IOException {
        try {
            return h.run();
        } catch (IOException e) {
            if (d.expired()) {
                throw new AuthenticationException(peer + " did not complete the pre-shared-key handshake within "
                        + config.handshakeTimeout().toMillis() + " ms", e);
            }
            throw e;
        }
    }

    /** Runs a connection's setup; on any failure the socket is closed before the error leaves. */
    private static Link secure(java.io.Closeable socket, Setup setup) throws IOException {
        try {
            return setup.run();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The secondary's listening socket. */
    public static final class Acceptor implements AutoCloseable {
        private final TransportConfig config;
        private final ServerSocketChannel plain;
        private final SSLServerSocket tls;

        private Acceptor(InetSocketAddress address, TransportConfig config) throws IOException {
            this.config = config;
            if (config.mode() == SecurityMode.TLS) {
                SSLContext ctx = Tls.context(config);
                tls = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
                tls.setNeedClientAuth(true);
                tls.setEnabledProtocols(new String[] {Tls.PROTOCOL});
                tls.bind(address);
                plain = null;
            } else {
                plain = ServerSocketChannel.open().bind(address);
                tls = null;
            }
        }

        public InetSocketAddress address() throws IOException {
            return (InetSocketAddress) (tls != null ? tls.getLocalSocketAddress() : plain.getLocalAddress());
        }

        public SecurityMode mode() {
            return config.mode();
        }

        /**
         * Waits for the next primary and authenticates it.
         *
         * @throws AuthenticationException if that peer could not prove itself; the connection is
         *                                 closed and the acceptor can accept again
         */
        public Link accept() throws IOException {
            if (tls != null) {
                SSLSocket s = (SSLSocket) tls.accept();
                String peer = "primary " + s.getRemoteSocketAddress();
                return secure(s, () -> tls(s, peer, config));
            }
            SocketChannel ch = plain.accept();
            String peer = "primary " + ch.getRemoteAddress();
            return secure(ch, () -> {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (config.mode() == SecurityMode.PSK) {
                    try (Deadline d = new Deadline(config.handshakeTimeout(), ch)) {
                        Psk.Keys k = timely(d, peer, config, () -> Psk.asSecondary(ch, config.psk(), peer));
                        return macLink(ch, k.primaryToSecondary(), k.secondaryToPrimary(), peer);
                    }
                }
                return new ChannelLink(ch, ch, ch, peer, SecurityMode.INSECURE);
            });
        }

        @Override
        public void close() throws IOException {
            if (tls != null) {
                tls.close();
            } else {
                plain.close();
            }
        }
    }

}
