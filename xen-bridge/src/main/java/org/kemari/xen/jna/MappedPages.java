package org.kemari.xen.jna;

import java.nio.ByteBuffer;

import com.sun.jna.Pointer;

import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.XenException;

/**
 * Frames mapped into our address space at {@code base}, one page each, with a per-frame errno.
 * Page buffers view the mapping directly (no copy). Both xenforeignmemory_map batches and
 * xengnttab_map_grant_ref pages are this; they differ only in how they are unmapped.
 */
final class MappedPages implements ForeignMapping {
    /** The C unmap call: returns < 0 with errno set on failure. */
    interface Unmap {
        int unmap(Pointer base, int count);
    }

    private final String mapFunction;
    private final String unmapFunction;
    private final Unmap unmap;
    private final LastError lastError;
    private final int domid;
    private final long[] frames;
    private final int[] errors;
    private final boolean writable;
    private Pointer base;

    MappedPages(String mapFunction, String unmapFunction, Unmap unmap, LastError lastError, int domid,
                long[] frames, int[] errors, Pointer base, boolean writable) {
        this.mapFunction = mapFunction;
        this.unmapFunction = unmapFunction;
        this.unmap = unmap;
        this.lastError = lastError;
        this.domid = domid;
        this.frames = frames;
        this.errors = errors;
        this.base = base;
        this.writable = writable;
    }

    @Override
    public int domid() {
        return domid;
    }

    @Override
    public int count() {
        return frames.length;
    }

    @Override
    public long pfn(int index) {
        return frames[index];
    }

    @Override
    public int error(int index) {
        return errors[index];
    }

    @Override
    public synchronized ByteBuffer page(int index) {
        if (base == null) {
            throw new XenException(mapFunction, domid, Errno.EBADF, "mapping already closed");
        }
        if (errors[index] != 0) {
            throw new XenException(mapFunction, domid, errors[index],
                    "frame " + frames[index] + " (index " + index + ") is not mapped");
        }
        ByteBuffer page = base.getByteBuffer((long) index * PAGE_SIZE, PAGE_SIZE);
        return writable ? page : page.asReadOnlyBuffer();
    }

    @Override
    public synchronized void close() {
        if (base != null) {
            Pointer b = base;
            base = null;
            if (unmap.unmap(b, frames.length) < 0) {
                throw lastError.of(unmapFunction, domid);
            }
        }
    }
}
