package org.kemari.ft.receive;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.HvmContext;
import org.kemari.xen.VcpuContext;

/** A replica in a byte array, for state-machine tests that need no hypervisor. */
final class MemoryReplica implements Replica {
    final byte[] memory;
    VcpuContext[] vcpus;
    HvmContext hvm;
    byte[] grants;

    MemoryReplica(long frames) {
        memory = new byte[(int) frames * Wire.PAGE_SIZE];
    }

    void fill(byte b) {
        Arrays.fill(memory, b);
    }

    byte[] page(long pfn) {
        return Arrays.copyOfRange(memory, (int) pfn * Wire.PAGE_SIZE, (int) (pfn + 1) * Wire.PAGE_SIZE);
    }

    @Override
    public void read(long[] pfns, int count, ByteBuffer into) {
        for (int i = 0; i < count; i++) {
            into.put(memory, (int) pfns[i] * Wire.PAGE_SIZE, Wire.PAGE_SIZE);
        }
    }

    @Override
    public void write(long[] pfns, int count, ByteBuffer pages) {
        for (int i = 0; i < count; i++) {
            pages.get(pages.position() + i * Wire.PAGE_SIZE, memory, (int) pfns[i] * Wire.PAGE_SIZE, Wire.PAGE_SIZE);
        }
    }

    @Override
    public void apply(StagedEpoch epoch) {
        for (int i = 0; i < epoch.pages.count(); i++) {
            epoch.pages.page(i).get(memory, (int) epoch.pages.pfn(i) * Wire.PAGE_SIZE, Wire.PAGE_SIZE);
        }
        vcpus = epoch.vcpus.clone();
        hvm = epoch.hvm;
        grants = epoch.grants.clone();
    }
}
