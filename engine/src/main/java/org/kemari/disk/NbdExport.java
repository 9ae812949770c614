package org.kemari.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The one export an {@link NbdServer} serves: a disk image, its name, and who hears of the
 * writes. Writing the image and telling {@link CompletedWrites} happen under one lock, so the
 * log's order is the image's order even with several clients.
 */
final class NbdExport {
    private final Path socket;
    private final String name;
    private final DiskImage image;
    private final CompletedWrites writes;
    private final Consumer<String> log;
    private final Object writeLock = new Object();

    NbdExport(Path socket, String name, DiskImage image, CompletedWrites writes, Consumer<String> log) {
        this.socket = socket;
        this.name = name;
        this.image = image;
        this.writes = writes;
        this.log = log;
    }

    /** One line about this export for the daemon's log. */
    void log(String message) {
        log.accept("kemari: " + where() + ": " + message);
    }

    /** The export's place for an error message. */
    String where() {
        return "NBD server " + socket + " export '" + name + "' (" + image.path() + ")";
    }

    /** Whether a client asking for {@code requested} means this export; "" is the default export. */
    boolean answers(String requested) {
        return requested.isEmpty() || requested.equals(name);
    }

    long size() {
        return image.size();
    }

    void read(long offset, ByteBuffer dst) throws IOException {
        image.read(offset, dst);
    }

    void write(long offset, ByteBuffer data) throws IOException {
        synchronized (writeLock) {
            image.write(offset, data.duplicate());
            writes.written(offset, data);
        }
    }

    void flush() throws IOException {
        image.force();
    }
}
