package org.kemari.ring.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** Where a network backend's Ethernet frames go and come from: one frame per message. */
public interface PacketLink extends AutoCloseable {

    /** Sends the remaining bytes of {@code frame} as one frame. */
    void send(ByteBuffer frame) throws IOException;

    /** The next received frame, waiting up to {@code timeout}; null if none arrived. */
    ByteBuffer receive(Duration timeout) throws IOException;

    @Override
    void close() throws IOException;
}
