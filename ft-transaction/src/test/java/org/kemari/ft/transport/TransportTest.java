package org.kemari.ft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.ft.LinkPair;

@Timeout(60)
class TransportTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Connects and accepts; returns the accepted link or the acceptor's failure. */
    private static Result pair(TransportConfig primary, TransportConfig secondary) throws Exception {
        try (Transport.Acceptor acceptor = Transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), secondary)) {
            CompletableFuture<Link> accepted = LinkPair.acceptAsync(acceptor);
            Link p = null;
            IOException connectFailure = null;
            try {
                p = Transport.connect(acceptor.address(), primary.withHandshakeTimeout(java.time.Duration.ofSeconds(5)));
            } catch (IOException e) {
                connectFailure = e;
            }
            Throwable acceptFailure = null;
            Link s = null;
            try {
                s = accepted.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                acceptFailure = e.getCause();
            }
            return new Result(p, s, connectFailure, acceptFailure);
        }
    }

    private record Result(Link primary, Link secondary, IOException connectFailure, Throwable acceptFailure) {
        void exchange() throws IOException {
            ByteBuffer hello = ByteBuffer.wrap("epoch stream".getBytes(StandardCharsets.US_ASCII));
            primary.out().write(new ByteBuffer[] {hello.duplicate(), ByteBuffer.allocateDirect(3)});
            ByteBuffer got = ByteBuffer.allocate(15);
            while (got.hasRemaining()) {
                assertThat(secondary.in().read(got)).isNotNegative();
            }
            assertThat(new String(got.array(), 0, 12, StandardCharsets.US_ASCII)).isEqualTo("epoch stream");
            secondary.out().write(ByteBuffer.wrap(new byte[] {42}));
            ByteBuffer back = ByteBuffer.allocate(1);
            while (back.hasRemaining()) {
                assertThat(primary.in().read(back)).isNotNegative();
            }
            assertThat(back.get(0)).isEqualTo((byte) 42);
            primary.close();
            secondary.close();
        }

        void close() throws IOException {
            if (primary != null) {
                primary.close();
            }
            if (secondary != null) {
                secondary.close();
            }
        }
    }

    @Test
    void insecureCarriesBytes() throws Exception {
        pair(TransportConfig.insecure(), TransportConfig.insecure()).exchange();
    }

    @Test
    void pskCarriesBytesBothWays() throws Exception {
        Result r = pair(TransportConfig.psk(KEY), TransportConfig.psk(KEY));
        assertThat(r.primary().mode()).isEqualTo(SecurityMode.PSK);
        r.exchange();
    }

    @Test
    void wrongPskIsRefusedOnBothSides() throws Exception {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        Result r = pair(TransportConfig.psk(other), TransportConfig.psk(KEY));
        assertThat(r.connectFailure()).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("failed the pre-shared-key challenge");
        assertThat(r.acceptFailure()).isInstanceOf(AuthenticationException.class);
        r.close();
    }

    @Test
    void plaintextPeerIsRefusedByAPskSecondary() throws Exception {
        try (Transport.Acceptor acceptor = Transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                TransportConfig.psk(KEY))) {
            CompletableFuture<Link> accepted = LinkPair.acceptAsync(acceptor);
            try (java.net.Socket s = new java.net.Socket(acceptor.address().getAddress(), acceptor.address().getPort())) {
                s.getOutputStream().write("KEMARIFT".repeat(5).getBytes(StandardCharsets.US_ASCII));
                assertThatThrownBy(() -> accepted.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AuthenticationException.class)
                        .hasMessageContaining("did not start a kemari pre-shared-key handshake");
            }
        }
    }

    @Test
    void pskFramesDetectTampering() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        MacFrames.Writer w = new MacFrames.Writer(gathering(wire), KEY);
        w.write(new ByteBuffer[] {ByteBuffer.wrap("guest page".getBytes(StandardCharsets.US_ASCII))});
        byte[] bytes = wire.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(10);
        new MacFrames.Reader(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), KEY, "peer").read(out);
        assertThat(new String(out.array(), StandardCharsets.US_ASCII)).isEqualTo("guest page");
        bytes[6] ^= 1;
        MacFrames.Reader tampered = new MacFrames.Reader(Channels.newChannel(new java.io.ByteArrayInputStream(bytes)), KEY, "peer");
        assertThatThrownBy(() -> tampered.read(ByteBuffer.allocate(10))).isInstanceOf(AuthenticationException.class)
                .hasMessage("frame 0 from peer: HMAC mismatch (data altered, replayed or reordered on the path)");
    }

    @Test
    void mutualTlsCarriesBytesAndNamesThePeer() throws Exception {
        Result r = pair(TestKeystores.PRIMARY, TestKeystores.SECONDARY);
        assertThat(r.secondary().peer()).contains("CN=primary");
        assertThat(r.primary().peer()).contains("CN=secondary");
        r.exchange();
    }

    @Test
    void tlsPrimaryWithoutATrustedCertificateIsRefused() throws Exception {
        Result r = pair(TestKeystores.STRANGER, TestKeystores.SECONDARY);
        assertThat(r.acceptFailure()).isInstanceOf(AuthenticationException.class).hasMessageContaining("TLS handshake with primary");
        r.close();
    }

    @Test
    void tlsPrimaryWithNoCertificateIsRefused() throws Exception {
        Result r = pair(TestKeystores.CERTLESS, TestKeystores.SECONDARY);
        assertThat(r.acceptFailure()).isInstanceOf(AuthenticationException.class).hasMessageContaining("TLS handshake with primary");
        r.close();
    }

    @Test
    void tooShortPskIsRejectedWithAHint() {
        assertThatThrownBy(() -> TransportConfig.psk(new byte[8]))
                .hasMessageContaining("at least 32 bytes, got 8 (make one with: head -c 32 /dev/urandom");
    }

    @Test
    void mutualTlsFromPemFiles() throws Exception {
        Result r = pair(TestKeystores.PRIMARY_PEM, TestKeystores.SECONDARY_PEM);
        assertThat(r.secondary().peer()).contains("CN=primary-pem");
        r.exchange();
    }

    @Test
    void aPemPeerNotSignedByTheCaIsRefused() throws Exception {
        Result r = pair(TestKeystores.PRIMARY, TestKeystores.SECONDARY_PEM);
        assertThat(r.acceptFailure()).isInstanceOf(AuthenticationException.class).hasMessageContaining("TLS handshake with primary");
        r.close();
    }

    @Test
    void aTraditionalRsaKeyFileIsRefusedWithTheConversionCommand() {
        Path key = TestKeystores.file("pkcs1-rsa.key");
        TransportConfig config = TransportConfig.tlsPem(TestKeystores.file("primary.crt"), key, TestKeystores.file("secondary.crt"));
        assertThatThrownBy(() -> Transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config))
                .hasMessage("TLS key file " + key + " is not an unencrypted PKCS#8 PEM key (\"-----BEGIN PRIVATE KEY-----\");"
                        + " convert it with: openssl pkcs8 -topk8 -nocrypt -in " + key + " -out " + key + ".pk8");
    }

    private static GatheringByteChannel gathering(ByteArrayOutputStream sink) {
        return new GatheringByteChannel() {
            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) {
                long n = 0;
                for (int i = offset; i < offset + length; i++) {
                    n += write(srcs[i]);
                }
                return n;
            }

            @Override
            public long write(ByteBuffer[] srcs) {
                return write(srcs, 0, srcs.length);
            }

            @Override
            public int write(ByteBuffer src) {
                byte[] b = new byte[src.remaining()];
                src.get(b);
                sink.writeBytes(b);
                return b.length;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }
}
