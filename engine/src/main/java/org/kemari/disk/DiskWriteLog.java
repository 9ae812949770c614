package org.kemari.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;

/**
 * Primary: what the secondary's image still lacks, cut into each epoch's DISK_WRITES records at
 * capture (docs/nbd.md): the writes the disk completed since the previous epoch, in the order the
 * image received them, and the chunks of the initial copy, each read from the image and logged
 * in one step so that it falls in that order too. Logging happens only while a stream is open
 * ({@link #begin}); a new stream starts the copy from the first byte.
 *
 * <p>The log is cut in {@link #capture}, which the epoch capture calls after every contributor's
 * quiesce, so after QEMU's {@code stop} has drained its block I/O; the server logs a write before
 * it answers it, so by then every write the epoch's memory has seen is here.
 * Nothing bounds the guest's own writes but the epoch interval: they are state, not output, and
 * are never held (that would deadlock the very drain); the copy waits for room ({@link #awaitRoom}).
 */
public final class DiskWriteLog implements CompletedWrites, EpochContributor {
    private final DiskImage image;
    private DiskWrites.Builder records;
    private long copied;
    private long pending;

    public DiskWriteLog(DiskImage image) {
        this.image = image;
    }

    /** A stream starts: log from now on, and copy the whole disk again. */
    public synchronized void begin() {
        records = new DiskWrites.Builder(image.size());
        copied = 0;
        pending = 0;
    }

    /** The stream ended: nothing is logged until the next one, which copies the disk anew. */
    public synchronized void end() {
        records = null;
        notifyAll();
    }

    @Override
    public synchronized void written(long offset, ByteBuffer data) {
        if (records != null) {
            records.add(offset, data);
            pending += data.remaining();
        }
    }

    /**
     * Logs the next {@code chunk} bytes of the disk as they are now; false once the whole disk is
     * logged or no stream is open. Holding the log's lock across the read orders the chunk with
     * the guest's writes: one that reached the image before the read is in the chunk, any later
     * one is logged after it.
     */
    synchronized boolean copyNext(int chunk) throws IOException {
        if (records == null || copied == image.size()) {
            return false;
        }
        int n = (int) Math.min(chunk, image.size() - copied);
        ByteBuffer data = ByteBuffer.allocate(n);
        image.read(copied, data);
        records.add(copied, data.flip());
        copied += n;
        pending += n;
        return true;
    }

    synchronized long pending() {
        return pending;
    }

    /** Waits until less than {@code budget} bytes wait for an epoch; false if the stream ended meanwhile. */
    synchronized boolean awaitRoom(long budget) throws InterruptedException {
        while (records != null && pending >= budget) {
            wait();
        }
        return records != null;
    }

    /** Whether this stream has logged every byte of the disk. */
    synchronized boolean copyComplete() {
        return records != null && copied == image.size();
    }

    /** How many bytes of the disk this stream has copied so far. */
    public synchronized long copied() {
        return copied;
    }

    /** Every epoch gets at least one record, so a secondary without a replica of the disk refuses the first. */
    @Override
    public synchronized List<OpaqueRecord> capture(EpochId epoch) {
        if (records == null) {
            throw new IllegalStateException(epoch + ": the disk write log of " + image.path() + " has no stream open");
        }
        List<OpaqueRecord> out = new ArrayList<>();
        for (byte[] body : records.finish(copied == image.size() ? DiskWrites.COPIED : 0)) {
            out.add(new OpaqueRecord(OpaqueRecord.Kind.DISK_WRITES, body));
        }
        pending = 0;
        notifyAll();
        return out;
    }
}
