package org.kemari.xen.sim.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** An acknowledgement as the checker reads it (docs/checker.md), parsed without the guest's code. */
record Ack(long seq, long block, long hash, long progress) {

    static Ack parse(byte[] frame) {
        if (frame.length != 40) {
            throw new IllegalArgumentException("acknowledgement of " + frame.length + " bytes");
        }
        if (!new String(frame, 0, 8, StandardCharsets.US_ASCII).equals("KMRACK01")) {
            throw new IllegalArgumentException("acknowledgement without KMRACK01");
        }
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        return new Ack(b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32));
    }
}
