package org.kemari.xen.sim.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The frames of the {@link RequestServer}'s request/response protocol, all little-endian u64: a
 * request names its client and that client's sequence number; the reply repeats both and adds
 * how many requests the server had answered, which makes every reply depend on the guest's
 * state (a replica that lost an epoch would answer differently, so replies are output to hold).
 */
public final class TransactionFrames {
    public static final int REQUEST_SIZE = 16;
    public static final int REPLY_SIZE = 24;

    private TransactionFrames() {
    }

    /** A request frame for {@code client}'s transaction {@code seq}, ready to send. */
    public static ByteBuffer request(long client, long seq) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(client).putLong(seq).flip();
    }

    /** The reply to {@code request} (read from its position) as the server's {@code answered}-th answer. */
    static void writeReply(ByteBuffer frame, ByteBuffer request, long answered) {
        ByteBuffer in = request.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = frame.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(0, in.getLong(in.position())).putLong(8, in.getLong(in.position() + 8)).putLong(16, answered);
    }

    /** A reply as the client reads it. */
    public record Reply(long client, long seq, long answered) {
        /** @throws IllegalArgumentException if {@code frame} is not a reply */
        public static Reply of(ByteBuffer frame) {
            if (frame.remaining() != REPLY_SIZE) {
                throw new IllegalArgumentException("a request/response reply is " + REPLY_SIZE + " bytes, got "
                        + frame.remaining());
            }
            ByteBuffer b = frame.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int at = b.position();
            return new Reply(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16));
        }
    }
}
