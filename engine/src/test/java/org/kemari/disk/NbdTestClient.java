package org.kemari.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A hand-written NBD client for what QEMU's never sends: malformed requests, hang-ups mid-request,
 * options it does not use. Written from the protocol spec like the server, and checked against
 * the server only where qemu-io also agrees with it.
 */
final class NbdTestClient implements AutoCloseable {
    final SocketChannel ch;

    NbdTestClient(Path socket) throws IOException {
        ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    /** Reads the greeting and sends fixed-newstyle, no-zeroes client flags. */
    void greet() throws IOException {
        ByteBuffer hello = read(18);
        assertThat(hello.getLong()).isEqualTo(Nbd.NBDMAGIC);
        assertThat(hello.getLong()).isEqualTo(Nbd.IHAVEOPT);
        assertThat(hello.getShort() & 3).isEqualTo(3);
        send(ByteBuffer.allocate(4).putInt(3).flip());
    }

    void option(int option, ByteBuffer data) throws IOException {
        send(ByteBuffer.allocate(16).putLong(Nbd.IHAVEOPT).putInt(option).putInt(data.remaining()).flip(), data);
    }

    /** GO/INFO data: export name and info requests. */
    static ByteBuffer info(String name, int... requests) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(6 + n.length + 2 * requests.length).putInt(n.length).put(n).putShort((short) requests.length);
        for (int r : requests) {
            b.putShort((short) r);
        }
        return b.flip();
    }

    record OptionReply(int option, int type, ByteBuffer data) {
    }

    OptionReply optionReply() throws IOException {
        ByteBuffer h = read(20);
        assertThat(h.getLong()).isEqualTo(Nbd.OPTION_REPLY_MAGIC);
        int option = h.getInt();
        int type = h.getInt();
        return new OptionReply(option, type, read(h.getInt()));
    }

    /** Handshake through GO for the default export; returns the export size. */
    long go() throws IOException {
        greet();
        option(Nbd.OPT_GO, info(""));
        OptionReply info = optionReply();
        assertThat(info.type()).isEqualTo(Nbd.REP_INFO);
        long size = info.data().position(2).getLong();
        assertThat(optionReply().type()).isEqualTo(Nbd.REP_ACK);
        return size;
    }

    void request(int flags, int type, long cookie, long offset, int length, ByteBuffer... payload) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(28).putInt(Nbd.REQUEST_MAGIC).putShort((short) flags).putShort((short) type)
                .putLong(cookie).putLong(offset).putInt(length).flip();
        ByteBuffer[] all = new ByteBuffer[payload.length + 1];
        all[0] = h;
        System.arraycopy(payload, 0, all, 1, payload.length);
        send(all);
    }

    /** A simple reply's error field, after checking its magic and cookie. */
    int reply(long cookie) throws IOException {
        ByteBuffer r = read(16);
        assertThat(r.getInt()).isEqualTo(Nbd.SIMPLE_REPLY_MAGIC);
        int error = r.getInt();
        assertThat(r.getLong()).isEqualTo(cookie);
        return error;
    }

    void send(ByteBuffer... bufs) throws IOException {
        long left = 0;
        for (ByteBuffer b : bufs) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= ch.write(bufs);
        }
    }

    ByteBuffer read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("server hung up after " + b.position() + " of " + n + " bytes");
            }
        }
        return b.flip();
    }

    /** True when the server has closed the connection (the next read sees end of stream). */
    boolean closedByServer() throws IOException {
        return ch.read(ByteBuffer.allocate(1)) < 0;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
