package org.kemari.ft.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS 1.3 with certificates on both sides. Trust is exactly the truststore's content (the peer's
 * certificate or a CA dedicated to the pair); host names are not checked, because replication
 * peers are addressed by IP on a private link and the truststore already names who may connect.
 */
final class Tls {
    static final String PROTOCOL = "TLSv1.3";

    private Tls() {
    }

    static SSLContext context(TransportConfig config) throws IOException {
        TlsCredentials c = config.tls();
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(c.identity(), c.password());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(c.trusted());
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS from " + c.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Runs the handshake now, so an unauthenticated peer fails here and not at the first record. */
    static String handshake(SSLSocket socket, String peer) throws AuthenticationException {
        try {
            socket.setEnabledProtocols(new String[] {PROTOCOL});
            socket.startHandshake();
            return peer + " (" + subject(socket) + ")";
        } catch (IOException e) {
            throw new AuthenticationException("TLS handshake with " + peer + " failed: " + e.getMessage(), e);
        }
    }

    private static String subject(SSLSocket socket) throws SSLPeerUnverifiedException {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    static Link link(SSLSocket socket, String peer) throws IOException {
        return new ChannelLink(Channels.newChannel(socket.getInputStream()),
                new StreamWriter(socket.getOutputStream()), socket, peer, SecurityMode.TLS);
    }

    /**
     * Gathering writes onto the TLS stream. Encryption copies every byte anyway, so this copies
     * direct buffers through one staging array and flushes once per gathering write.
     */
    private static final class StreamWriter extends GatheringWriter {
        private final OutputStream out;
        private final byte[] staging = new byte[64 * 1024];
        private volatile boolean open = true;

        StreamWriter(OutputStream out) {
            this.out = new java.io.BufferedOutputStream(out, 64 * 1024);
        }

        @Override
        public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = srcs[i];
                n += b.remaining();
                if (b.hasArray()) {
                    out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                    b.position(b.limit());
                }
                while (b.hasRemaining()) {
                    int k = Math.min(b.remaining(), staging.length);
                    b.get(staging, 0, k);
                    out.write(staging, 0, k);
                }
            }
            out.flush();
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            open = false;
            out.close();
        }
    }
}
