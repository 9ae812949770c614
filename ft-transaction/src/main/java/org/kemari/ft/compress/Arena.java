package org.kemari.ft.compress;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct memory handed out in slices and taken back all at once: holds the copied or compressed
 * pages of one epoch until its write completes, then is reused, so the epoch loop does not
 * allocate once it has grown to the working size.
 */
public final class Arena {
    private final int chunkSize;
    private final List<ByteBuffer> chunks = new ArrayList<>();
    private int current;

    public Arena(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    /** A buffer with at least {@code size} bytes free from its position; call {@link #commit} after filling. */
    public ByteBuffer reserve(int size) {
        if (size > chunkSize) {
            throw new IllegalArgumentException("arena slice of " + size + " bytes exceeds its " + chunkSize + "-byte chunks");
        }
        while (current < chunks.size() && chunks.get(current).remaining() < size) {
            current++;
        }
        if (current == chunks.size()) {
            chunks.add(ByteBuffer.allocateDirect(chunkSize));
        }
        return chunks.get(current);
    }

    /** Takes the {@code size} bytes at the reserved buffer's position as a slice and advances past them. */
    public ByteBuffer commit(ByteBuffer reserved, int size) {
        ByteBuffer slice = reserved.slice(reserved.position(), size);
        reserved.position(reserved.position() + size);
        return slice;
    }

    /** Takes back every slice handed out; they must no longer be used. */
    public void reset() {
        for (ByteBuffer c : chunks) {
            c.clear();
        }
        current = 0;
    }
}
