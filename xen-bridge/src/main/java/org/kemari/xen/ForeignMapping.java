package org.kemari.xen;

import java.nio.ByteBuffer;

/**
 * A batch of guest frames mapped into dom0 (xenforeignmemory_map). Frames that could not be
 * mapped carry a per-frame errno instead of failing the batch, as in Xen: unpopulated frames in
 * an HVM guest's holes are normal. Closing unmaps; buffers obtained before must not be used after.
 */
public interface ForeignMapping extends AutoCloseable {
    int PAGE_SIZE = 4096;
    int PAGE_SHIFT = 12;

    int domid();

    /** Number of frames requested. */
    int count();

    long pfn(int index);

    /** 0 if frame {@code index} is mapped, else its errno (e.g. ENOENT for a hole). */
    int error(int index);

    /**
     * A 4096-byte view of frame {@code index}: direct, so it can go straight into a gathering
     * write. Read-only if the batch was mapped read-only.
     *
     * @throws XenException if that frame is not mapped
     */
    ByteBuffer page(int index);

    @Override
    void close();
}
