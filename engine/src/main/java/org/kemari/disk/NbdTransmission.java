package org.kemari.disk;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The transmission phase of one connection, simple replies only: READ, WRITE (FUA: durable
 * before the reply), FLUSH, DISC; any other command is answered EINVAL. A write's completion is
 * never held back: QEMU drains its block I/O for `stop` and `xen-save-devices-state`, so a held
 * completion would deadlock the very capture that was to release it (docs/nbd.md).
 */
final class NbdTransmission {
    private static final int HEADER = 28;

    private final NbdChannel ch;
    private final NbdExport export;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER);
    private final ByteBuffer reply = ByteBuffer.allocate(16);
    private ByteBuffer payload = ByteBuffer.allocate(Nbd.PREFERRED_BLOCK * 64);

    NbdTransmission(NbdChannel ch, NbdExport export) {
        this.ch = ch;
        this.export = export;
    }

    /**
     * Serves requests until DISC (returns null) or until the client hangs up between requests
     * (returns that as a note for the log).
     */
    String run() throws IOException, NbdProtocolException {
        while (true) {
            if (!ch.fill(header.clear(), "a request header")) {
                return "client hung up without NBD_CMD_DISC";
            }
            header.flip();
            int magic = header.getInt();
            int flags = Short.toUnsignedInt(header.getShort());
            int type = Short.toUnsignedInt(header.getShort());
            long cookie = header.getLong();
            long offset = header.getLong();
            long length = Integer.toUnsignedLong(header.getInt());
            if (magic != Nbd.REQUEST_MAGIC) {
                throw new NbdProtocolException("request magic 0x" + Integer.toHexString(magic) + " is not 0x"
                        + Integer.toHexString(Nbd.REQUEST_MAGIC) + ": framing lost");
            }
            String what = Nbd.command(type) + " of " + length + " bytes at offset " + Long.toUnsignedString(offset);
            if ((flags & ~Nbd.CMD_FLAG_FUA) != 0) {
                refuse(cookie, what + " has flags 0x" + Integer.toHexString(flags) + "; only FUA (0x1) is known");
            }
            switch (type) {
                case Nbd.CMD_READ -> read(cookie, offset, checked(cookie, what, offset, length));
                case Nbd.CMD_WRITE -> write(cookie, offset, checked(cookie, what, offset, length), (flags & Nbd.CMD_FLAG_FUA) != 0, what);
                case Nbd.CMD_FLUSH -> flush(cookie);
                case Nbd.CMD_DISC -> {
                    return null;
                }
                default -> answer(cookie, Nbd.EINVAL);
            }
        }
    }

    /** The length of a READ or WRITE within the export and the payload limit. */
    private int checked(long cookie, String what, long offset, long length) throws IOException, NbdProtocolException {
        if (length > Nbd.MAX_PAYLOAD) {
            refuse(cookie, what + ": longer than the " + Nbd.MAX_PAYLOAD + "-byte maximum");
        }
        if (offset < 0 || length > export.size() - offset) {
            refuse(cookie, what + ": beyond the export's " + export.size() + " bytes");
        }
        return (int) length;
    }

    private void read(long cookie, long offset, int length) throws IOException {
        ByteBuffer data = buffer(length);
        try {
            export.read(offset, data);
        } catch (IOException e) {
            failed(cookie, "READ at offset " + offset, e);
            return;
        }
        ch.send(replyHeader(cookie, 0), data.flip());
    }

    private void write(long cookie, long offset, int length, boolean fua, String what) throws IOException {
        ByteBuffer data = buffer(length);
        // a hang-up inside the payload leaves the write unapplied: it was never acknowledged
        ch.need(data, "the payload of " + what);
        try {
            export.write(offset, data.flip());
            if (fua) {
                export.flush();
            }
        } catch (IOException e) {
            failed(cookie, what, e);
            return;
        }
        answer(cookie, 0);
    }

    private void flush(long cookie) throws IOException {
        try {
            export.flush();
        } catch (IOException e) {
            failed(cookie, "FLUSH", e);
            return;
        }
        answer(cookie, 0);
    }

    /** Answers the request with EINVAL, then ends the connection: a client that sends this cannot be trusted with the disk. */
    private void refuse(long cookie, String why) throws IOException, NbdProtocolException {
        answer(cookie, Nbd.EINVAL);
        throw new NbdProtocolException(why);
    }

    /** The image failed under a request: the client hears EIO (the guest sees a disk error), the log says why. */
    private void failed(long cookie, String what, IOException e) throws IOException {
        export.log(what + " failed on the image, answered EIO: " + e);
        answer(cookie, Nbd.EIO);
    }

    private void answer(long cookie, int error) throws IOException {
        ch.send(replyHeader(cookie, error));
    }

    private ByteBuffer replyHeader(long cookie, int error) {
        return reply.clear().putInt(Nbd.SIMPLE_REPLY_MAGIC).putInt(error).putLong(cookie).flip();
    }

    private ByteBuffer buffer(int length) {
        if (payload.capacity() < length) {
            payload = ByteBuffer.allocate(length);
        }
        return payload.clear().limit(length);
    }
}
