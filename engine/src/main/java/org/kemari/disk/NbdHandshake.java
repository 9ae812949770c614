package org.kemari.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The fixed-newstyle handshake and option haggling of one connection (docs/nbd.md): GO, INFO,
 * EXPORT_NAME and ABORT are served, every other option is answered ERR_UNSUP so that the client
 * falls back (QEMU asks for structured replies first).
 */
final class NbdHandshake {
    private final NbdChannel ch;
    private final NbdExport export;

    NbdHandshake(NbdChannel ch, NbdExport export) {
        this.ch = ch;
        this.export = export;
    }

    /** True when the client entered transmission, false when it aborted or hung up between options. */
    boolean run() throws IOException, NbdProtocolException {
        ch.send(ByteBuffer.allocate(18).putLong(Nbd.NBDMAGIC).putLong(Nbd.IHAVEOPT)
                .putShort((short) (Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES)).flip());
        ByteBuffer flagsBuf = ByteBuffer.allocate(4);
        if (!ch.fill(flagsBuf, "the client flags")) {
            return false;
        }
        int flags = flagsBuf.flip().getInt();
        if ((flags & ~Nbd.CLIENT_FLAGS_KNOWN) != 0 || (flags & Nbd.FLAG_FIXED_NEWSTYLE) == 0) {
            throw new NbdProtocolException("client flags 0x" + Integer.toHexString(flags)
                    + ": this server speaks fixed newstyle only and knows flags 0x" + Integer.toHexString(Nbd.CLIENT_FLAGS_KNOWN));
        }
        boolean noZeroes = (flags & Nbd.FLAG_NO_ZEROES) != 0;
        ByteBuffer head = ByteBuffer.allocate(16);
        while (true) {
            if (!ch.fill(head.clear(), "an option header")) {
                return false;
            }
            head.flip();
            long magic = head.getLong();
            int option = head.getInt();
            int length = head.getInt();
            if (magic != Nbd.IHAVEOPT) {
                throw new NbdProtocolException("option magic 0x" + Long.toHexString(magic) + " is not IHAVEOPT");
            }
            if (length < 0 || length > Nbd.MAX_OPTION) {
                throw new NbdProtocolException("option " + Nbd.option(option) + " of " + Integer.toUnsignedString(length)
                        + " bytes, at most " + Nbd.MAX_OPTION + " accepted");
            }
            ByteBuffer data = ByteBuffer.allocate(length);
            ch.need(data, "option " + Nbd.option(option));
            data.flip();
            switch (option) {
                case Nbd.OPT_EXPORT_NAME -> {
                    exportName(data, noZeroes);
                    return true;
                }
                case Nbd.OPT_ABORT -> {
                    abort();
                    return false;
                }
                case Nbd.OPT_GO, Nbd.OPT_INFO -> {
                    if (info(option, data) && option == Nbd.OPT_GO) {
                        return true;
                    }
                }
                default -> reply(option, Nbd.REP_ERR_UNSUP, text("option " + Nbd.option(option) + " is not supported"));
            }
        }
    }

    /** The oldest way in: no reply to refuse with, so an unknown name ends the connection. */
    private void exportName(ByteBuffer data, boolean noZeroes) throws IOException, NbdProtocolException {
        String name = StandardCharsets.UTF_8.decode(data).toString();
        if (!export.answers(name)) {
            throw new NbdProtocolException("EXPORT_NAME asks for export '" + name + "', which this server does not have");
        }
        ByteBuffer b = ByteBuffer.allocate(noZeroes ? 10 : 134).putLong(export.size()).putShort((short) Nbd.TRANSMISSION_FLAGS);
        ch.send(b.position(b.capacity()).flip());
    }

    private void abort() {
        try {
            reply(Nbd.OPT_ABORT, Nbd.REP_ACK, ByteBuffer.allocate(0));
        } catch (IOException ignored) {
            // the spec lets a client hang up without reading the acknowledgement
        }
    }

    /** Answers GO or INFO; true if the export was described (GO then starts transmission). */
    private boolean info(int option, ByteBuffer data) throws IOException {
        String bad = null;
        boolean blockSize = false;
        String name = "";
        if (data.remaining() < 6) {
            bad = "too short";
        } else {
            int nameLength = data.getInt();
            if (nameLength < 0 || nameLength > Nbd.MAX_NAME || nameLength > data.remaining() - 2) {
                bad = "export name length " + Integer.toUnsignedString(nameLength) + " does not fit";
            } else {
                name = StandardCharsets.UTF_8.decode(data.slice(data.position(), nameLength)).toString();
                data.position(data.position() + nameLength);
                int requests = Short.toUnsignedInt(data.getShort());
                if (data.remaining() != 2 * requests) {
                    bad = requests + " info requests in " + data.remaining() + " bytes";
                } else {
                    for (int i = 0; i < requests; i++) {
                        blockSize |= data.getShort() == Nbd.INFO_BLOCK_SIZE;
                    }
                }
            }
        }
        if (bad != null) {
            reply(option, Nbd.REP_ERR_INVALID, text(Nbd.option(option) + " data " + bad));
            return false;
        }
        if (!export.answers(name)) {
            reply(option, Nbd.REP_ERR_UNKNOWN, text("no export '" + name + "' here"));
            return false;
        }
        reply(option, Nbd.REP_INFO, ByteBuffer.allocate(12).putShort((short) Nbd.INFO_EXPORT).putLong(export.size())
                .putShort((short) Nbd.TRANSMISSION_FLAGS).flip());
        // QEMU sizes its requests by this when it asks; a client that did not ask gets the default limits
        if (blockSize) {
            reply(option, Nbd.REP_INFO, ByteBuffer.allocate(14).putShort((short) Nbd.INFO_BLOCK_SIZE).putInt(Nbd.MIN_BLOCK)
                    .putInt(Nbd.PREFERRED_BLOCK).putInt(Nbd.MAX_PAYLOAD).flip());
        }
        reply(option, Nbd.REP_ACK, ByteBuffer.allocate(0));
        return true;
    }

    private void reply(int option, int type, ByteBuffer data) throws IOException {
        ch.send(ByteBuffer.allocate(20).putLong(Nbd.OPTION_REPLY_MAGIC).putInt(option).putInt(type).putInt(data.remaining()).flip(), data);
    }

    private static ByteBuffer text(String s) {
        return StandardCharsets.UTF_8.encode(s);
    }
}
