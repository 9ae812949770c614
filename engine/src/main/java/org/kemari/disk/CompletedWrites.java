package org.kemari.disk;

import java.nio.ByteBuffer;

/**
 * Told of every write the disk has completed, in the order the image received them, before the
 * client hears it completed: the primary's per-epoch log ({@link DiskWriteLog}).
 */
@FunctionalInterface
public interface CompletedWrites {
    /** Nothing to tell: a disk no peer replicates (a failed-over replica serving alone). */
    CompletedWrites NONE = (offset, data) -> { };

    /** {@code data} (position to limit) was written at {@code offset}; read it before returning. */
    void written(long offset, ByteBuffer data);
}
