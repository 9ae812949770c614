package org.kemari.xen.sim;

import java.nio.ByteBuffer;
import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.XenException;

/**
 * Frames of a simulated domain mapped into "dom0": live views of guest memory. Closing
 * forbids further {@link #page} calls; views already handed out cannot be revoked in Java and
 * stay valid (they point at memory the JVM keeps alive), unlike a real munmap.
 */
final class SimForeignMapping implements ForeignMapping {
    private final String op;
    private final int domid;
    private final long[] pfns;
    private final int[] errors;
    private final ByteBuffer[] pages;
    private final Runnable onClose;
    private volatile boolean closed;

    SimForeignMapping(String op, int domid, long[] pfns, int[] errors, ByteBuffer[] pages, Runnable onClose) {
        this.op = op;
        this.domid = domid;
        this.pfns = pfns;
        this.errors = errors;
        this.pages = pages;
        this.onClose = onClose;
    }

    @Override
    public int domid() {
        return domid;
    }

    @Override
    public int count() {
        return pfns.length;
    }

    @Override
    public long pfn(int index) {
        return pfns[index];
    }

    @Override
    public int error(int index) {
        return errors[index];
    }

    @Override
    public ByteBuffer page(int index) {
        if (closed) {
            throw new XenException(op, domid, Errno.EBADF, "mapping of " + pfns.length
                    + " frames was closed (unmapped); map again");
        }
        if (index < 0 || index >= pfns.length) {
            throw new IndexOutOfBoundsException("frame index " + index + " outside a mapping of " + pfns.length);
        }
        if (errors[index] != 0) {
            throw new XenException(op, domid, errors[index], "frame " + pfns[index] + " (index " + index
                    + ") is not mapped");
        }
        return pages[index].duplicate();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
