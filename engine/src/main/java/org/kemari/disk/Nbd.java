package org.kemari.disk;

/**
 * The numbers of the NBD protocol (github.com/NetworkBlockDevice/nbd, doc/proto.md) that the
 * subset in docs/nbd.md uses. All integers on the wire are big-endian.
 */
final class Nbd {
    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454f5054L;
    static final long OPTION_REPLY_MAGIC = 0x0003e889045565a9L;
    static final int REQUEST_MAGIC = 0x25609513;
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    static final int FLAG_FIXED_NEWSTYLE = 1;
    static final int FLAG_NO_ZEROES = 1 << 1;
    static final int CLIENT_FLAGS_KNOWN = FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES;

    static final int OPT_EXPORT_NAME = 1;
    static final int OPT_ABORT = 2;
    static final int OPT_INFO = 6;
    static final int OPT_GO = 7;

    static final int REP_ACK = 1;
    static final int REP_INFO = 3;
    static final int REP_ERR_UNSUP = 0x80000001;
    static final int REP_ERR_INVALID = 0x80000003;
    static final int REP_ERR_UNKNOWN = 0x80000006;

    static final int INFO_EXPORT = 0;
    static final int INFO_BLOCK_SIZE = 3;

    static final int TX_HAS_FLAGS = 1;
    static final int TX_SEND_FLUSH = 1 << 2;
    static final int TX_SEND_FUA = 1 << 3;
    /** What this server does: no trim, no write-zeroes (QEMU writes zeroes instead), no structured replies. */
    static final int TRANSMISSION_FLAGS = TX_HAS_FLAGS | TX_SEND_FLUSH | TX_SEND_FUA;

    static final int CMD_READ = 0;
    static final int CMD_WRITE = 1;
    static final int CMD_DISC = 2;
    static final int CMD_FLUSH = 3;
    static final int CMD_FLAG_FUA = 1;

    static final int EINVAL = 22;
    static final int EIO = 5;

    /** Block sizes offered when a client asks (NBD_INFO_BLOCK_SIZE): any byte, 4 KiB preferred, 32 MiB at most. */
    static final int MIN_BLOCK = 1;
    static final int PREFERRED_BLOCK = 4096;
    static final int MAX_PAYLOAD = 32 * 1024 * 1024;
    /** An option longer than this is no option this server knows (GO's longest: a 4 KiB name and its info list). */
    static final int MAX_OPTION = 8192;
    /** The export name an NBD client may send, in bytes (the spec's own bound). */
    static final int MAX_NAME = 4096;

    private Nbd() {
    }

    static String command(int type) {
        return switch (type) {
            case CMD_READ -> "READ";
            case CMD_WRITE -> "WRITE";
            case CMD_DISC -> "DISC";
            case CMD_FLUSH -> "FLUSH";
            case 4 -> "TRIM";
            case 5 -> "CACHE";
            case 6 -> "WRITE_ZEROES";
            case 7 -> "BLOCK_STATUS";
            case 8 -> "RESIZE";
            default -> "command " + type;
        };
    }

    static String option(int option) {
        return switch (option) {
            case OPT_EXPORT_NAME -> "EXPORT_NAME";
            case OPT_ABORT -> "ABORT";
            case 3 -> "LIST";
            case 5 -> "STARTTLS";
            case OPT_INFO -> "INFO";
            case OPT_GO -> "GO";
            case 8 -> "STRUCTURED_REPLY";
            case 9 -> "LIST_META_CONTEXT";
            case 10 -> "SET_META_CONTEXT";
            case 11 -> "EXTENDED_HEADERS";
            default -> "option " + option;
        };
    }
}
