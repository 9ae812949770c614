package org.kemari.xen;

/**
 * Access to grant tables. Reading another domain's table goes through its grant frames, which
 * live outside guest RAM (Xen-heap pages), so replication must snapshot them explicitly, while
 * the guest is paused, to have a table consistent with the copied memory.
 */
public interface GrantTables extends AutoCloseable {

    /**
     * The raw v1 grant frames of {@code domid} (8-byte entries, 512 per 4 KiB frame), as a
     * consistent copy. The caller pauses the domain first if it needs consistency with memory.
     */
    byte[] snapshot(int domid);

    /** Writes a snapshot taken from another domain into {@code domid}'s grant frames. */
    void restore(int domid, byte[] snapshot);

    /** Maps the frame that {@code domid} granted to us with reference {@code ref} (xengnttab_map_grant_ref). */
    ForeignMapping mapGrant(int domid, int ref, boolean writable);

    @Override
    void close();

    /** Decodes one entry of a {@link #snapshot}. */
    static GrantEntry entry(byte[] snapshot, int ref) {
        int o = ref * GrantEntry.SIZE;
        if (ref < 0 || o + GrantEntry.SIZE > snapshot.length) {
            throw new IndexOutOfBoundsException("grant ref " + ref + " outside a table of "
                    + snapshot.length / GrantEntry.SIZE + " entries");
        }
        int flags = (snapshot[o] & 0xff) | (snapshot[o + 1] & 0xff) << 8;
        int domid = (snapshot[o + 2] & 0xff) | (snapshot[o + 3] & 0xff) << 8;
        long frame = (snapshot[o + 4] & 0xffL) | (snapshot[o + 5] & 0xffL) << 8
                | (snapshot[o + 6] & 0xffL) << 16 | (snapshot[o + 7] & 0xffL) << 24;
        return new GrantEntry(ref, flags, domid, frame);
    }
}
