package org.kemari.ft.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one writer of a stream direction: several threads (epochs, ACKs, heartbeats) send
 * through it, and each record or batch of records goes out whole, never interleaved. It also
 * keeps when it last wrote, so heartbeats are sent only on an otherwise idle connection.
 */
public final class Outbox {
    private final GatheringByteChannel out;
    private final ReentrantLock lock = new ReentrantLock();
    private final RecordWriter writer = new RecordWriter();
    private volatile long lastWrite = System.nanoTime();
    private volatile long bytes;

    public Outbox(GatheringByteChannel out) {
        this.out = out;
    }

    public void header(StreamHeader header) throws IOException {
        send(List.of(header.encode()));
    }

    /** Sends one record. */
    public void record(RecordType type, ByteBuffer... body) throws IOException {
        lock.lock();
        try {
            List<ByteBuffer> bufs = new ArrayList<>(body.length + 2);
            writer.append(bufs, type, body);
            send(bufs);
        } finally {
            lock.unlock();
        }
    }

    /** Sends one record unless another thread is writing right now; the caller only wanted the line to be busy. */
    public boolean recordIfIdle(RecordType type, ByteBuffer... body) throws IOException {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            record(type, body);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Writes buffers (records framed by the caller's {@link RecordWriter}) in one go. */
    public void send(List<ByteBuffer> buffers) throws IOException {
        ByteBuffer[] all = buffers.toArray(new ByteBuffer[0]);
        lock.lock();
        try {
            int first = 0;
            while (first < all.length) {
                bytes += out.write(all, first, all.length - first);
                while (first < all.length && !all[first].hasRemaining()) {
                    first++;
                }
            }
            lastWrite = System.nanoTime();
        } finally {
            lock.unlock();
        }
    }

    public long lastWriteNanos() {
        return lastWrite;
    }

    /** Stream bytes written so far, after the header included. */
    public long bytesWritten() {
        return bytes;
    }
}
