package org.kemari.ft.transport;

import java.io.IOException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;

/** A link made of two channels and the socket to close behind them. */
final class ChannelLink implements Link {
    private final ReadableByteChannel in;
    private final GatheringByteChannel out;
    private final java.io.Closeable socket;
    private final String peer;
    private final SecurityMode mode;

    ChannelLink(ReadableByteChannel in, GatheringByteChannel out, java.io.Closeable socket, String peer, SecurityMode mode) {
        this.in = in;
        this.out = out;
        this.socket = socket;
        this.peer = peer;
        this.mode = mode;
    }

    @Override
    public ReadableByteChannel in() {
        return in;
    }

    @Override
    public GatheringByteChannel out() {
        return out;
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public SecurityMode mode() {
        return mode;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return mode + " link to " + peer;
    }
}
