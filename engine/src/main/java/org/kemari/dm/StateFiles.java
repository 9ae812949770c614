package org.kemari.dm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Private dom0 directories for the device-state files QEMU writes and reads. */
final class StateFiles {

    private StateFiles() {
    }

    static Path create(String who, int domid) {
        try {
            return Files.createTempDirectory("kemari-dm-" + domid + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(who + " dom " + domid + ": no directory for device-model state: " + e.getMessage(), e);
        }
    }

    static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover file in the temp dir is harmless and its name says which domain it was for
        }
    }
}
