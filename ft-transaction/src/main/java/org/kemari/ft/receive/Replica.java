package org.kemari.ft.receive;

import java.nio.ByteBuffer;

/**
 * The secondary's copy of the guest as the receiver updates it. The production one is
 * {@link HypervisorReplica}, a paused domain.
 */
interface Replica {

    /** Copies the current content of {@code count} frames into {@code into}, 4096 bytes each, from its position. */
    void read(long[] pfns, int count, ByteBuffer into);

    /** Writes {@code count} pages (4096 bytes each, consecutive in {@code pages}) at once; pre-copy only. */
    void write(long[] pfns, int count, ByteBuffer pages);

    /** Applies a complete, verified epoch: pages, Xen's pages in the physmap, vcpu contexts, HVM context, grant table. */
    void apply(StagedEpoch epoch);
}
