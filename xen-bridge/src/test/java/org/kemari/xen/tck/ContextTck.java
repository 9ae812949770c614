package org.kemari.xen.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Errno;
import org.kemari.xen.HvmContext;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;

/** Contexts, and the property replication rests on: memory + context make an identical copy. */
public abstract class ContextTck extends TckBase {
    /** 1 << VMASST_TYPE_runstate_update_flag: the one assist HVM and PVH domains may have. */
    private static final long RUNSTATE_UPDATE_FLAG = 1L << 5;
    /** 1 << VMASST_TYPE_writable_pagetables: PV only. */
    private static final long WRITABLE_PAGETABLES = 1L << 2;

    @Test
    void hvmContextIsInXensFormat() {
        int domid = startGuest("format");
        DomainInfo info = hv.domain(domid);
        assumeTrue(info.type().hasHvmContext(), "workload guest is PV");
        hv.pause(domid);
        HvmContext ctx = hv.hvmContext(domid);
        assertThat(hv.hvmContextSize(domid)).isGreaterThanOrEqualTo(ctx.size());
        List<HvmContext.Record> records = ctx.records();
        HvmContext.Record header = records.get(0);
        assertThat(header.type()).isEqualTo(HvmContext.TYPE_HEADER);
        ByteBuffer h = ByteBuffer.wrap(header.data()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(h.getInt()).isEqualTo(HvmContext.FILE_MAGIC);
        assertThat(h.getInt()).isEqualTo(HvmContext.FILE_VERSION);
        assertThat(records).filteredOn(r -> r.type() == HvmContext.TYPE_CPU)
                .extracting(HvmContext.Record::instance)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, info.vcpus()).boxed().toList());
        assertThat(records.get(records.size() - 1).type()).isEqualTo(HvmContext.TYPE_END);
    }

    @Test
    void aContextWithBadMagicIsEinval() {
        int domid = startGuest("magic");
        assumeTrue(hv.domain(domid).type().hasHvmContext(), "workload guest is PV");
        hv.pause(domid);
        byte[] blob = hv.hvmContext(domid).bytes();
        blob[HvmContext.DESCRIPTOR_SIZE] ^= 0x5a; // first byte of the header's magic
        int blank = blankLike(domid);
        XenException e = catchThrowableOfType(XenException.class, () -> hv.setHvmContext(blank, new HvmContext(blob)));
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.operation()).contains("setcontext");
    }

    @Test
    void aPvDomainHasNoHvmContext() {
        OptionalInt pv = target().createPvDomain(hv, uniqueName("pvctx"));
        assumeTrue(pv.isPresent(), "backend cannot create a PV domain");
        own(pv.getAsInt());
        XenException e = catchThrowableOfType(XenException.class, () -> hv.hvmContext(pv.getAsInt()));
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
    }

    @Test
    void aVcpuThatDoesNotExistIsEinval() {
        int domid = startGuest("vcpu");
        int vcpus = hv.domain(domid).vcpus();
        XenException e = catchThrowableOfType(XenException.class, () -> hv.vcpuContext(domid, vcpus + 10));
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
    }

    /**
     * Xen keeps vm_assist per domain and takes it from vcpu 0's context, for an HVM or PVH domain
     * too, while no HVM context record carries it: a replica needs both calls.
     */
    @Test
    void vmAssistIsSetFromVcpuZerosContextAndNotFromTheHvmContext() {
        int domid = startGuest("assist");
        assumeTrue(hv.domain(domid).type().hasHvmContext(), "workload guest is PV");
        hv.pause(domid);
        long guests = hv.vcpuContext(domid, 0).vmAssist();
        long other = guests ^ RUNSTATE_UPDATE_FLAG;
        int blank = blankLike(domid);
        VcpuContext zero = hv.vcpuContext(blank, 0);
        hv.setVcpuContext(blank, zero.withVmAssist(other));
        assertThat(hv.vcpuContext(blank, 0).vmAssist()).isEqualTo(other);

        hv.setHvmContext(blank, hv.hvmContext(domid));
        assertThat(hv.vcpuContext(blank, 0).vmAssist()).as("after loading the guest's HVM context").isEqualTo(other);

        XenException e = catchThrowableOfType(XenException.class,
                () -> hv.setVcpuContext(blank, zero.withVmAssist(WRITABLE_PAGETABLES)));
        assertThat(e).as("a PV-only assist on an HVM/PVH domain").isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(hv.vcpuContext(blank, 0).vmAssist()).isEqualTo(other);
    }

    /** The copy picks up at the copied counter and runs on its own, leaving the original paused. */
    @Test
    void aCopyOfMemoryAndContextRunsOnFromWhereTheOriginalWas() {
        assumeTrue(target().copiesAreComplete(), "the workload guest keeps state in the hypervisor beyond its memory"
                + " and context (event channels, frames it added to its physical map): a copy of both does not run on by itself");
        Twin twin = pausedTwin("orig");
        int domid = twin.original();
        int copy = twin.copy();
        long copied = counter(copy);
        assertThat(copied).isEqualTo(counter(domid));
        hv.unpause(copy);
        awaitCounter(copy, c -> c > copied, "the copy to run on");
        assertThat(counter(domid)).as("original stays paused").isEqualTo(copied);
    }

    /** With exact stepping: after n more steps each, original and copy are identical to the byte. */
    @Test
    void aCopyContinuesIdentically() {
        assumeTrue(target().canStep(), "backend cannot single-step guests");
        Twin twin = pausedTwin("twin");
        int domid = twin.original();
        int copy = twin.copy();
        target().step(domid, 500);
        target().step(copy, 500);
        long[] a = digests(domid);
        long[] b = digests(copy);
        assertThat(b).as("memory of the copy after 500 steps each").isEqualTo(a);
        assertThat(counter(copy)).isEqualTo(counter(domid)).isGreaterThanOrEqualTo(twin.copiedAt() + 500);
        int vcpus = hv.domain(domid).vcpus();
        for (int v = 0; v < vcpus; v++) {
            assertThat(hv.vcpuContext(copy, v)).as("vcpu %d context", v).isEqualTo(hv.vcpuContext(domid, v));
        }
        // and a copy that diverged is detected: one more step on the original only
        target().step(domid, 1);
        assertThat(digests(copy)).isNotEqualTo(digests(domid));
    }

    private record Twin(int original, int copy, long copiedAt) {
    }

    /** A guest that ran a little, paused, and a blank domain loaded with its memory and context. */
    private Twin pausedTwin(String what) {
        int domid = startGuest(what);
        long start = counter(domid);
        awaitCounter(domid, c -> c > start + 10, "the original to run");
        hv.pause(domid);
        int copy = blankLike(domid);
        copyDomain(domid, copy);
        return new Twin(domid, copy, counter(domid));
    }
}
