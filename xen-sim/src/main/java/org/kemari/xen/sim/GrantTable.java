package org.kemari.xen.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantEntry;
import org.kemari.xen.XenException;

/**
 * A domain's v1 grant table. Its frames are hypervisor pages, not guest RAM, exactly why a
 * replica needs an explicit snapshot: copying guest memory does not copy them. Grows a frame at
 * a time up to Xen's default max_grant_frames.
 */
final class GrantTable {
    /** Xen's default gnttab_max_frames. */
    static final int MAX_FRAMES = 64;
    /** Linux keeps the first refs for the toolstack (GNTTAB_NR_RESERVED_ENTRIES). */
    static final int FIRST_FREE_REF = 8;
    private static final int ENTRIES_PER_FRAME = ForeignMapping.PAGE_SIZE / GrantEntry.SIZE;
    /** GTF_type_mask: the low two flag bits say what the entry is. */
    private static final int TYPE_MASK = 3;

    private ByteBuffer frames = frames(1);
    /** Active mappings per ref, so GTF_reading/GTF_writing clear only when the last goes. */
    private int[] readers = new int[ENTRIES_PER_FRAME];
    private int[] writers = new int[ENTRIES_PER_FRAME];

    synchronized byte[] snapshot() {
        byte[] copy = new byte[frames.capacity()];
        frames.get(0, copy);
        return copy;
    }

    synchronized void restore(String op, int domid, byte[] snapshot) {
        if (snapshot.length == 0 || snapshot.length % ForeignMapping.PAGE_SIZE != 0
                || snapshot.length / ForeignMapping.PAGE_SIZE > MAX_FRAMES) {
            throw new XenException(op, domid, Errno.EINVAL, "grant table snapshot of " + snapshot.length
                    + " bytes is not 1.." + MAX_FRAMES + " whole 4096-byte frames");
        }
        frames = frames(snapshot.length / ForeignMapping.PAGE_SIZE);
        frames.put(0, snapshot);
        readers = new int[entries()];
        writers = new int[entries()];
    }

    /** Guest side: fills a free entry, frame and domid before flags as gnttab_grant_foreign_access does. */
    synchronized int grant(String op, int owner, int grantee, long pfn, boolean readonly) {
        int ref = FIRST_FREE_REF;
        while (ref < entries() && (flags(ref) & TYPE_MASK) != 0) {
            ref++;
        }
        if (ref == entries()) {
            if (entries() / ENTRIES_PER_FRAME >= MAX_FRAMES) {
                throw new XenException(op, owner, Errno.ENOSPC, "grant table full (" + MAX_FRAMES + " frames)");
            }
            grow();
        }
        int o = ref * GrantEntry.SIZE;
        frames.putShort(o + 2, (short) grantee);
        frames.putInt(o + 4, (int) pfn);
        frames.putShort(o, (short) (GrantEntry.GTF_PERMIT_ACCESS | (readonly ? GrantEntry.GTF_READONLY : 0)));
        return ref;
    }

    /** Guest side: false while the grantee still has it mapped, as gnttab_end_foreign_access_ref. */
    synchronized boolean endAccess(int ref) {
        if (ref < 0 || ref >= entries()) {
            return false;
        }
        if ((flags(ref) & (GrantEntry.GTF_READING | GrantEntry.GTF_WRITING)) != 0) {
            return false;
        }
        frames.putShort(ref * GrantEntry.SIZE, (short) 0);
        return true;
    }

    /**
     * Validates a map of {@code ref} by {@code mapper} and marks it in use; returns the frame.
     * The errors mirror Xen's GNTST codes: bad_gntref, permission_denied, bad_page.
     */
    synchronized long map(String op, int owner, int mapper, int ref, boolean writable, long maxGpfn) {
        if (ref < 0 || ref >= entries()) {
            throw new XenException(op, owner, Errno.EINVAL, "GNTST_bad_gntref: ref " + ref
                    + " is outside the table of " + entries() + " entries");
        }
        GrantEntry e = entry(ref);
        if ((e.flags() & TYPE_MASK) != GrantEntry.GTF_PERMIT_ACCESS) {
            throw new XenException(op, owner, Errno.EPERM, "GNTST_permission_denied: ref " + ref + " grants nothing");
        }
        if (e.domid() != mapper) {
            throw new XenException(op, owner, Errno.EPERM, "GNTST_permission_denied: ref " + ref
                    + " is granted to dom" + e.domid() + ", not dom" + mapper);
        }
        if (writable && e.readOnly()) {
            throw new XenException(op, owner, Errno.EPERM, "GNTST_permission_denied: ref " + ref
                    + " is a read-only grant, mapped writable");
        }
        if (e.frame() > maxGpfn) {
            throw new XenException(op, owner, Errno.EINVAL, "GNTST_bad_page: ref " + ref + " grants frame "
                    + e.frame() + " beyond the domain's memory");
        }
        if (writable) {
            writers[ref]++;
        } else {
            readers[ref]++;
        }
        setInUse(ref);
        return e.frame();
    }

    synchronized void unmap(int ref, boolean writable) {
        if (ref >= entries()) {
            return; // the table was restored smaller meanwhile; nothing of ours is left there
        }
        if (writable) {
            writers[ref] = Math.max(0, writers[ref] - 1);
        } else {
            readers[ref] = Math.max(0, readers[ref] - 1);
        }
        setInUse(ref);
    }

    private void setInUse(int ref) {
        int f = flags(ref) & ~(GrantEntry.GTF_READING | GrantEntry.GTF_WRITING);
        if (readers[ref] > 0) {
            f |= GrantEntry.GTF_READING;
        }
        if (writers[ref] > 0) {
            f |= GrantEntry.GTF_WRITING | GrantEntry.GTF_READING;
        }
        frames.putShort(ref * GrantEntry.SIZE, (short) f);
    }

    private GrantEntry entry(int ref) {
        int o = ref * GrantEntry.SIZE;
        return new GrantEntry(ref, flags(ref), Short.toUnsignedInt(frames.getShort(o + 2)),
                Integer.toUnsignedLong(frames.getInt(o + 4)));
    }

    private int flags(int ref) {
        return Short.toUnsignedInt(frames.getShort(ref * GrantEntry.SIZE));
    }

    private int entries() {
        return frames.capacity() / GrantEntry.SIZE;
    }

    private void grow() {
        ByteBuffer bigger = frames(entries() / ENTRIES_PER_FRAME + 1);
        bigger.put(0, frames, 0, frames.capacity());
        frames = bigger;
        readers = Arrays.copyOf(readers, entries());
        writers = Arrays.copyOf(writers, entries());
    }

    private static ByteBuffer frames(int n) {
        return ByteBuffer.allocate(n * ForeignMapping.PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }
}
