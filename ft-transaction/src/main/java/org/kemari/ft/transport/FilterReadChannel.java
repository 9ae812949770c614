package org.kemari.ft.transport;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

/** A read channel layered on another: open and closed with it (as FilterInputStream is). */
abstract class FilterReadChannel implements ReadableByteChannel {
    protected final ReadableByteChannel in;

    FilterReadChannel(ReadableByteChannel in) {
        this.in = in;
    }

    @Override
    public final boolean isOpen() {
        return in.isOpen();
    }

    @Override
    public final void close() throws IOException {
        in.close();
    }
}
