package org.kemari.ft.receive;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.compress.Arena;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.HvmContext;
import org.kemari.xen.VcpuContext;

/**
 * One epoch as received so far, decoded and held apart from the replica until its commit
 * arrives. Reused from epoch to epoch so a steady stream does not allocate page memory.
 */
final class StagedEpoch {
    private final Arena pages = new Arena(256 * Wire.PAGE_SIZE);
    private long[] pfns = new long[1024];
    private ByteBuffer[] data = new ByteBuffer[1024];
    private int count;
    long epoch;
    long declaredPages;
    HvmContext hvm;
    VcpuContext[] vcpus;
    byte[] grants;
    final List<OpaqueRecord> opaque = new ArrayList<>();

    void reset(long epoch, long declaredPages, int vcpuCount) {
        pages.reset();
        Arrays.fill(data, 0, count, null);
        count = 0;
        this.epoch = epoch;
        this.declaredPages = declaredPages;
        hvm = null;
        vcpus = new VcpuContext[vcpuCount];
        grants = null;
        opaque.clear();
    }

    /** Room for the next page's 4096 bytes, at the returned buffer's position. */
    ByteBuffer reservePage() {
        return pages.reserve(Wire.PAGE_SIZE);
    }

    void addPage(long pfn, ByteBuffer reserved) {
        if (count == pfns.length) {
            pfns = Arrays.copyOf(pfns, count * 2);
            data = Arrays.copyOf(data, count * 2);
        }
        pfns[count] = pfn;
        data[count++] = pages.commit(reserved, Wire.PAGE_SIZE);
    }

    int pageCount() {
        return count;
    }

    long pfn(int i) {
        return pfns[i];
    }

    /** Page {@code i}'s 4096 bytes. */
    ByteBuffer page(int i) {
        return data[i].duplicate();
    }
}
