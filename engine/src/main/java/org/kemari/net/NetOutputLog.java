package org.kemari.net;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.kemari.ft.OpaqueRecord;

/**
 * The guest's transmitted frames a primary had read but not yet forwarded when an epoch was
 * captured, oldest first. The state that produced each of them is in that epoch, so once the
 * epoch is committed a replica may send them: at failover the replica's connector forwards the
 * last committed epoch's log before anything of its own guest. Frames the primary had already
 * forwarded are not in it; frames in it the primary forwarded after the capture reach the
 * outside world twice, as a duplicated frame may on Ethernet.
 *
 * <p>In the epoch it is one or more NET_OUTPUT records (docs/ft-transaction.md §5.7),
 * little-endian: {@code u32 count, u32 reserved, count × {u32 length, u8 frame[length]}}.
 */
public record NetOutputLog(List<byte[]> frames) {
    public static final NetOutputLog EMPTY = new NetOutputLog(List.of());
    static final int HEADER = 8;
    /** The largest frame a record carries: no connector reads a larger one. */
    static final int MAX_FRAME = FrameStream.ENDPOINT_MAX_FRAME;

    public NetOutputLog {
        frames = List.copyOf(frames);
    }

    /** The epoch's records, each body at most {@code maxBody} bytes; at least one, empty when nothing is held. */
    public List<OpaqueRecord> records(int maxBody) {
        List<OpaqueRecord> out = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int count = 0;
        for (byte[] f : frames) {
            if (f.length == 0 || f.length > MAX_FRAME || HEADER + 4 + f.length > maxBody) {
                throw new IllegalArgumentException("a held frame of " + f.length + " bytes cannot go into a NET_OUTPUT record");
            }
            if (count > 0 && HEADER + body.size() + 4 + f.length > maxBody) {
                out.add(record(count, body));
                body.reset();
                count = 0;
            }
            body.writeBytes(le(f.length));
            body.writeBytes(f);
            count++;
        }
        out.add(record(count, body));
        return out;
    }

    /**
     * The log of one epoch, from all its NET_OUTPUT records in stream order, each checked whole;
     * other kinds are skipped. Null if the epoch has none.
     *
     * @throws IllegalArgumentException naming the record and what is wrong
     */
    public static NetOutputLog of(List<OpaqueRecord> records) {
        List<byte[]> frames = new ArrayList<>();
        int seen = 0;
        for (OpaqueRecord r : records) {
            if (r.kind() != OpaqueRecord.Kind.NET_OUTPUT) {
                continue;
            }
            seen++;
            parse(r.payload(), seen, frames);
        }
        return seen == 0 ? null : new NetOutputLog(frames);
    }

    private static void parse(byte[] body, int which, List<byte[]> into) {
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        String what = "NET_OUTPUT record " + which + " of " + body.length + " bytes: ";
        if (body.length < HEADER) {
            throw new IllegalArgumentException(what + "shorter than its " + HEADER + "-byte header");
        }
        long count = Integer.toUnsignedLong(b.getInt());
        if (b.getInt() != 0) {
            throw new IllegalArgumentException(what + "reserved field is not zero");
        }
        List<byte[]> frames = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            if (b.remaining() < 4) {
                throw new IllegalArgumentException(what + "frame " + i + " of " + count + " is cut off");
            }
            long length = Integer.toUnsignedLong(b.getInt());
            if (length == 0 || length > MAX_FRAME || length > b.remaining()) {
                throw new IllegalArgumentException(what + "frame " + i + ": length " + length + " with " + b.remaining()
                        + " bytes left (1-" + MAX_FRAME + ")");
            }
            byte[] f = new byte[(int) length];
            b.get(f);
            frames.add(f);
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException(what + b.remaining() + " bytes after its " + count + " frames");
        }
        into.addAll(frames);
    }

    private static OpaqueRecord record(int count, ByteArrayOutputStream frames) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(HEADER + frames.size());
        body.writeBytes(le(count));
        body.writeBytes(le(0));
        body.writeBytes(frames.toByteArray());
        return new OpaqueRecord(OpaqueRecord.Kind.NET_OUTPUT, body.toByteArray());
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
