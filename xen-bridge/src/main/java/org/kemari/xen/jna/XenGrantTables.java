package org.kemari.xen.jna;

import java.util.function.Consumer;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.LibC;
import org.kemari.xen.jna.bind.XenForeignMemory;
import org.kemari.xen.jna.bind.XenGnttab;
import org.kemari.xen.jna.bind.XenforeignmemoryHandle;
import org.kemari.xen.jna.bind.XenforeignmemoryResourceHandle;
import org.kemari.xen.jna.bind.XengnttabHandle;

/**
 * Grant tables through libxengnttab (pages granted to us) and xenforeignmemory_map_resource
 * (another domain's whole table). A domain's shared grant frames are Xen-heap pages, not guest
 * RAM, so XENMEM_resource_grant_table is the stock 4.17 way for dom0 to read and write them.
 *
 * <p>The snapshot covers the table's maximum size (xenforeignmemory_resource_size), not just
 * the frames the guest uses now: 4.17 has no call telling dom0 the current size, and mapping a
 * frame beyond it makes Xen grow the guest's table up to that frame (bounded by the domain's
 * max_grant_frames; harmless to the guest, and it keeps primary and replica the same size).
 */
final class XenGrantTables implements GrantTables {
    private final XenGnttab gnttab;
    private final XenForeignMemory fmem;
    private final LastError errors;
    private final QuietLogger logger;
    private volatile XengnttabHandle xgt;
    private volatile XenforeignmemoryHandle fh;

    XenGrantTables(XenLibraries libs) {
        this.gnttab = libs.gnttab();
        this.fmem = libs.fmem();
        this.errors = new LastError(libs.libc());
        this.logger = new QuietLogger(libs);
        this.xgt = gnttab.xengnttab_open(logger.get(), 0);
        if (xgt == null) {
            XenException e = errors.of("xengnttab_open", XenException.NO_DOMAIN, " (is the xen-gntdev module loaded?)");
            logger.close();
            throw e;
        }
        this.fh = fmem.xenforeignmemory_open(logger.get(), 0);
        if (fh == null) {
            XenException e = errors.of("xenforeignmemory_open", XenException.NO_DOMAIN);
            close();
            throw e;
        }
    }

    @Override
    public synchronized byte[] snapshot(int domid) {
        int frames = frames(domid);
        byte[] copy = new byte[frames * ForeignMapping.PAGE_SIZE];
        withFrames(domid, frames, LibC.PROT_READ, p -> p.read(0, copy, 0, copy.length));
        return copy;
    }

    @Override
    public synchronized void restore(int domid, byte[] snapshot) {
        int frames = frames(domid);
        if (snapshot.length % ForeignMapping.PAGE_SIZE != 0 || snapshot.length / ForeignMapping.PAGE_SIZE > frames) {
            throw new XenException("grant table restore", domid, Errno.EINVAL, "snapshot of " + snapshot.length
                    + " bytes does not fit the domain's " + frames + " grant frames");
        }
        withFrames(domid, snapshot.length / ForeignMapping.PAGE_SIZE, LibC.PROT_READ | LibC.PROT_WRITE,
                p -> p.write(0, snapshot, 0, snapshot.length));
    }

    @Override
    public synchronized ForeignMapping mapGrant(int domid, int ref, boolean writable) {
        XengnttabHandle h = gnttab();
        int prot = LibC.PROT_READ | (writable ? LibC.PROT_WRITE : 0);
        Pointer page = gnttab.xengnttab_map_grant_ref(h, domid, ref, prot);
        if (page == null) {
            throw errors.of("xengnttab_map_grant_ref(ref " + Integer.toUnsignedString(ref) + ")", domid);
        }
        return new MappedPages("xengnttab_map_grant_ref", "xengnttab_unmap",
                (b, n) -> gnttab.xengnttab_unmap(gnttab(), b, n), errors, domid,
                new long[] {Integer.toUnsignedLong(ref)}, new int[1], page, writable);
    }

    @Override
    public synchronized void close() {
        if (fh != null) {
            fmem.xenforeignmemory_close(fh);
            fh = null;
        }
        if (xgt != null) {
            gnttab.xengnttab_close(xgt);
            xgt = null;
        }
        logger.close();
    }

    private int frames(int domid) {
        LongByReference size = new LongByReference();
        if (fmem.xenforeignmemory_resource_size(fmem(), (short) domid, XenForeignMemory.XENMEM_resource_grant_table,
                XenForeignMemory.XENMEM_resource_grant_table_id_shared, size) < 0) {
            throw errors.of("xenforeignmemory_resource_size(grant table)", domid);
        }
        return (int) (size.getValue() / ForeignMapping.PAGE_SIZE);
    }

    private void withFrames(int domid, int frames, int prot, Consumer<Pointer> body) {
        PointerByReference addr = new PointerByReference();
        XenforeignmemoryResourceHandle res = fmem.xenforeignmemory_map_resource(fmem(), (short) domid,
                XenForeignMemory.XENMEM_resource_grant_table, XenForeignMemory.XENMEM_resource_grant_table_id_shared,
                0, frames, addr, prot, 0);
        if (res == null) {
            throw errors.of("xenforeignmemory_map_resource(grant table, " + frames + " frames)", domid);
        }
        try {
            body.accept(addr.getValue());
        } finally {
            if (fmem.xenforeignmemory_unmap_resource(fmem(), res) < 0) {
                throw errors.of("xenforeignmemory_unmap_resource(grant table)", domid);
            }
        }
    }

    private XengnttabHandle gnttab() {
        if (xgt == null) {
            throw closed();
        }
        return xgt;
    }

    private XenforeignmemoryHandle fmem() {
        if (fh == null) {
            throw closed();
        }
        return fh;
    }

    private static XenException closed() {
        return new XenException("grant tables", XenException.NO_DOMAIN, Errno.EBADF, "grant table handle is closed");
    }
}
