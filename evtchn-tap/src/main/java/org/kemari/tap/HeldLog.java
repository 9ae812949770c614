package org.kemari.tap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests the tap had observed but not yet released when an epoch was captured. It travels
 * in the epoch (record EVENT_TAP_LOG) so the secondary knows, on failover, which requests it is
 * about to replay and can say so; the replay itself follows from the ring indexes.
 *
 * <p>Encoding, little-endian: u32 ring count; per ring: u16 name length, name (UTF-8), u32
 * released index, u32 observed index, u32 held count, then per held request u32 ring index and
 * u8 {@link RequestKind} ordinal.
 */
public record HeldLog(List<Ring> rings) {

    public record Ring(String name, int released, int observed, List<Held> held) {
    }

    public record Held(int index, RequestKind kind) {
    }

    public int heldCount() {
        return rings.stream().mapToInt(r -> r.held().size()).sum();
    }

    public byte[] encode() {
        int size = 4;
        for (Ring r : rings) {
            size += 2 + r.name().getBytes(StandardCharsets.UTF_8).length + 12 + 5 * r.held().size();
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(rings.size());
        for (Ring r : rings) {
            byte[] name = r.name().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name).putInt(r.released()).putInt(r.observed()).putInt(r.held().size());
            for (Held h : r.held()) {
                b.putInt(h.index()).put((byte) h.kind().ordinal());
            }
        }
        return b.array();
    }

    public static HeldLog decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int rings = b.getInt();
            if (rings < 0 || rings > 4096) {
                throw new IllegalArgumentException("event-tap log claims " + Integer.toUnsignedString(rings) + " rings");
            }
            List<Ring> out = new ArrayList<>(rings);
            for (int i = 0; i < rings; i++) {
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                int released = b.getInt();
                int observed = b.getInt();
                int n = b.getInt();
                if (n < 0 || n > b.remaining() / 5) {
                    throw new IllegalArgumentException("event-tap log ring " + i + " claims " + Integer.toUnsignedString(n) + " held requests");
                }
                List<Held> held = new ArrayList<>(n);
                RequestKind[] kinds = RequestKind.values();
                for (int j = 0; j < n; j++) {
                    int index = b.getInt();
                    int kind = Byte.toUnsignedInt(b.get());
                    if (kind >= kinds.length) {
                        throw new IllegalArgumentException("event-tap log: unknown request kind " + kind);
                    }
                    held.add(new Held(index, kinds[kind]));
                }
                out.add(new Ring(new String(name, StandardCharsets.UTF_8), released, observed, List.copyOf(held)));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("event-tap log has " + b.remaining() + " trailing bytes");
            }
            return new HeldLog(List.copyOf(out));
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("event-tap log is truncated (" + bytes.length + " bytes)", e);
        }
    }
}
