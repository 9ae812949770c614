package org.kemari.ft.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pre-shared-key handshake of docs/ft-transaction.md §2.1: challenge-response with fresh
 * nonces both ways, then per-direction frame keys. The primary connects; the secondary proves
 * itself first, then the primary does.
 */
final class Psk {
    static final String ALGORITHM = "HmacSHA256";
    private static final byte[] MAGIC = ascii("KMRIPSK1");
    private static final int NONCE = 32;
    private static final int TAG = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The two frame keys, by direction. */
    record Keys(byte[] primaryToSecondary, byte[] secondaryToPrimary) {
    }

    private Psk() {
    }

    static Keys asPrimary(SocketChannel ch, byte[] psk, String peer) throws IOException {
        byte[] nc = nonce();
        write(ch, MAGIC, nc);
        ByteBuffer reply = read(ch, MAGIC.length + NONCE + TAG, peer);
        checkMagic(reply, peer);
        byte[] ns = bytes(reply, NONCE);
        byte[] theirs = bytes(reply, TAG);
        if (!MessageDigest.isEqual(theirs, hmac(psk, ascii("kemari-psk-secondary"), nc, ns))) {
            throw new AuthenticationException("secondary " + peer + " failed the pre-shared-key challenge (different key?)");
        }
        write(ch, hmac(psk, ascii("kemari-psk-primary"), nc, ns));
        return keys(psk, nc, ns);
    }

    static Keys asSecondary(SocketChannel ch, byte[] psk, String peer) throws IOException {
        ByteBuffer hello = read(ch, MAGIC.length + NONCE, peer);
        checkMagic(hello, peer);
        byte[] nc = bytes(hello, NONCE);
        byte[] ns = nonce();
        write(ch, MAGIC, ns, hmac(psk, ascii("kemari-psk-secondary"), nc, ns));
        byte[] theirs = bytes(read(ch, TAG, peer), TAG);
        if (!MessageDigest.isEqual(theirs, hmac(psk, ascii("kemari-psk-primary"), nc, ns))) {
            throw new AuthenticationException("primary " + peer + " failed the pre-shared-key challenge (different key?)");
        }
        return keys(psk, nc, ns);
    }

    private static Keys keys(byte[] psk, byte[] nc, byte[] ns) {
        return new Keys(hmac(psk, ascii("kemari-psk-p2s"), nc, ns), hmac(psk, ascii("kemari-psk-s2p"), nc, ns));
    }

    static Mac mac(byte[] key) {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(new SecretKeySpec(key, ALGORITHM));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks " + ALGORITHM, e);
        }
    }

    private static byte[] hmac(byte[] key, byte[]... parts) {
        Mac m = mac(key);
        for (byte[] p : parts) {
            m.update(p);
        }
        return m.doFinal();
    }

    private static byte[] nonce() {
        byte[] n = new byte[NONCE];
        RANDOM.nextBytes(n);
        return n;
    }

    private static void checkMagic(ByteBuffer b, String peer) throws AuthenticationException {
        if (!MessageDigest.isEqual(bytes(b, MAGIC.length), MAGIC)) {
            throw new AuthenticationException(peer + " did not start a kemari pre-shared-key handshake"
                    + " (is it configured for TLS or insecure mode?)");
        }
    }

    private static void write(SocketChannel ch, byte[]... parts) throws IOException {
        ByteBuffer[] bufs = new ByteBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bufs[i] = ByteBuffer.wrap(parts[i]);
        }
        while (bufs[bufs.length - 1].hasRemaining()) {
            ch.write(bufs);
        }
    }

    private static ByteBuffer read(SocketChannel ch, int size, String peer) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new AuthenticationException(peer + " closed the connection during the pre-shared-key handshake");
            }
        }
        return b.flip();
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
