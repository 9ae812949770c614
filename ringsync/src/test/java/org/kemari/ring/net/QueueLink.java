package org.kemari.ring.net;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/** An in-memory link: what was sent, and frames queued for receiving. */
final class QueueLink implements PacketLink {
    final List<byte[]> sent = new ArrayList<>();
    final Queue<ByteBuffer> inbound = new ArrayDeque<>();

    @Override
    public void send(ByteBuffer frame) {
        byte[] copy = new byte[frame.remaining()];
        frame.get(copy);
        sent.add(copy);
    }

    @Override
    public ByteBuffer receive(Duration timeout) {
        return inbound.poll();
    }

    @Override
    public void close() {
    }
}
