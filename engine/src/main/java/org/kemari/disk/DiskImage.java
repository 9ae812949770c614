package org.kemari.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image of a fixed size on this host's own storage: the guest's disk as the primary
 * serves it, or its replica on the secondary. It never grows or shrinks; every access is checked
 * against its size by the caller, so a short read here is the file changing under us.
 */
public final class DiskImage implements AutoCloseable {
    private final Path path;
    private final long size;
    private final FileChannel channel;

    private DiskImage(Path path, long size, FileChannel channel) {
        this.path = path;
        this.size = size;
        this.channel = channel;
    }

    /**
     * Opens {@code path} for reading and writing; it must exist and hold exactly {@code size}
     * bytes, since a disk of another size would be another disk than the peer's.
     */
    public static DiskImage open(Path path, long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("disk image " + path + ": size " + size + " is not positive");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("disk image " + path + ": cannot open for writing: " + e, e);
        }
        try {
            long actual = ch.size();
            if (actual == size) {
                return new DiskImage(path, size, ch);
            }
            closeQuietly(ch);
            throw new IllegalStateException("disk image " + path + " holds " + actual + " bytes, the pair's disk is "
                    + size + " bytes: not the same disk");
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("disk image " + path + ": " + e, e);
        }
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** Fills {@code dst} from {@code offset}. */
    public void read(long offset, ByteBuffer dst) throws IOException {
        long at = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new IOException("disk image " + path + " ends at " + at + ", expected " + size + " bytes");
            }
            at += n;
        }
    }

    /** Writes all of {@code src} at {@code offset}; durable only after {@link #force()}. */
    public void write(long offset, ByteBuffer src) throws IOException {
        long at = offset;
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
    }

    /** Makes every completed write durable (data only: the size never changes). */
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was pending: every write the caller cares about was forced before
        }
    }
}
