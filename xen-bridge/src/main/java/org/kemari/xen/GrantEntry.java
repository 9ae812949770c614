package org.kemari.xen;

/**
 * A grant-table v1 entry ({@code grant_entry_v1_t}: flags u16, domid u16, frame u32): the guest
 * gives domain {@code domid} access to its frame {@code frame}.
 */
public record GrantEntry(int ref, int flags, int domid, long frame) {
    /** GTF_permit_access: the entry grants a frame. */
    public static final int GTF_PERMIT_ACCESS = 1;
    /** GTF_readonly: the grantee may only read. */
    public static final int GTF_READONLY = 1 << 2;
    /** GTF_reading / GTF_writing: set by Xen while the grant is mapped. */
    public static final int GTF_READING = 1 << 3;
    public static final int GTF_WRITING = 1 << 4;
    /** Bytes per v1 entry. */
    public static final int SIZE = 8;

    public boolean inUse() {
        return (flags & 3) != 0;
    }

    public boolean readOnly() {
        return (flags & GTF_READONLY) != 0;
    }
}
