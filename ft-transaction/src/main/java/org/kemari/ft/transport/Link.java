package org.kemari.ft.transport;

import java.io.Closeable;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * An authenticated, full-duplex byte connection to the peer, as the epoch stream uses it: one
 * thread reads {@link #in()} while another writes {@link #out()}. Closing it from any thread
 * makes a blocked read or write fail promptly, which is how timeouts are enforced.
 */
public interface Link extends Closeable {

    ReadableByteChannel in();

    /** One writer at a time: callers serialise (the stream's {@link org.kemari.ft.wire.Outbox} does). */
    GatheringByteChannel out();

    /** The peer's address and, where known, its authenticated identity, for messages. */
    String peer();

    /** The security mode the connection was established with. */
    SecurityMode mode();
}
