package org.kemari.xen.sim;

import java.nio.ByteBuffer;
import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.XenException;

/** dom0's grant-table access (xengnttab plus mapping other domains' grant frames). */
final class SimGrantTables implements GrantTables {
    private final SimHost host;
    private volatile boolean closed;

    SimGrantTables(SimHost host) {
        this.host = host;
    }

    @Override
    public byte[] snapshot(int domid) {
        String op = "xenforeignmemory_map_resource";
        open(op);
        return host.guestDomain(op, domid).grants.snapshot();
    }

    @Override
    public void restore(int domid, byte[] snapshot) {
        String op = "xenforeignmemory_map_resource";
        open(op);
        host.guestDomain(op, domid).grants.restore(op, domid, snapshot);
    }

    /** Writable grant mappings mark the frame dirty when unmapped, as Xen's gnttab_mark_dirty does. */
    @Override
    public ForeignMapping mapGrant(int domid, int ref, boolean writable) {
        String op = "xengnttab_map_grant_ref";
        open(op);
        SimDomain d = host.guestDomain(op, domid);
        long frame = d.grants.map(op, domid, 0, ref, writable, d.pages - 1);
        ByteBuffer view = d.memory.frame(frame);
        return new SimForeignMapping(op, domid, new long[] {frame}, new int[1],
                new ByteBuffer[] {writable ? view : view.asReadOnlyBuffer()}, () -> {
                    d.grants.unmap(ref, writable);
                    if (writable) {
                        d.memory.markDirty(frame);
                    }
                });
    }

    @Override
    public void close() {
        closed = true;
    }

    private void open(String op) {
        if (closed) {
            throw new XenException(op, XenException.NO_DOMAIN, Errno.EBADF, "grant table handle is closed");
        }
    }
}
