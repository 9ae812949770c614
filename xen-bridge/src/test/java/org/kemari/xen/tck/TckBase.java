package org.kemari.xen.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;

/** Shared fixture of the TCK cases: a hypervisor handle, and every domain a case made destroyed after it. */
public abstract class TckBase {
    private static final AtomicInteger NAMES = new AtomicInteger();
    /** Frames per foreign-mapping batch when walking a whole guest. */
    private static final int BATCH = 512;

    /** The digest of a frame that is not guest RAM. */
    private static final long NOT_RAM = Long.MIN_VALUE;

    protected Hypervisor hv;
    private final List<Integer> created = new ArrayList<>();

    protected abstract TckTarget target();

    @BeforeEach
    void openHypervisor() {
        hv = target().open();
    }

    @AfterEach
    void destroyDomains() {
        try {
            for (int domid : created) {
                try {
                    target().destroy(hv, domid);
                } catch (XenException gone) {
                    // a case destroyed it itself
                }
            }
        } finally {
            hv.close();
        }
    }

    protected String uniqueName(String what) {
        return "tck-" + what + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    }

    protected int startGuest(String what) {
        int domid = target().startGuest(hv, uniqueName(what));
        created.add(domid);
        return domid;
    }

    protected int blankLike(int domid) {
        int blank = target().createBlankLike(hv, domid, uniqueName("blank"));
        created.add(blank);
        return blank;
    }

    protected void own(int domid) {
        created.add(domid);
    }

    protected TckTarget.GuestLayout layout() {
        return target().layout();
    }

    /** The guest's progress counter, read through a fresh read-only mapping. */
    protected long counter(int domid) {
        try (ForeignMapping m = hv.map(domid, new long[] {layout().counterPfn()}, 1, false)) {
            return m.page(0).order(ByteOrder.LITTLE_ENDIAN).getLong(layout().counterOffset());
        }
    }

    /** Polls the counter until {@code done} holds or the target's progress timeout passes. */
    protected long awaitCounter(int domid, LongPredicate done, String what) {
        long deadline = System.nanoTime() + target().progressTimeout().toNanos();
        long c;
        while (!done.test(c = counter(domid))) {
            if (System.nanoTime() > deadline) {
                fail("dom%d: counter stuck at %d, waiting for %s (%s)", domid, c, what, hv.domain(domid));
            }
            sleep(5);
        }
        return c;
    }

    /** Lets a paused guest "run" a few steps: exactly, if the backend can step, else by running it briefly. */
    protected void advance(int domid, long steps) {
        if (target().canStep()) {
            target().step(domid, steps);
            return;
        }
        long from = counter(domid);
        hv.unpause(domid);
        try {
            awaitCounter(domid, c -> c >= from + steps, steps + " more steps");
        } finally {
            hv.pause(domid);
        }
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    protected long frames(int domid) {
        return hv.domain(domid).maxGpfn() + 1;
    }

    /**
     * A 64-bit digest of every frame of guest RAM; other frames get a fixed marker. Xen's own
     * pages in the physmap are not RAM: Xen writes them itself (the shared-info page's clocks)
     * and never logs them dirty, and dom0 can map some of them (seen on real Xen: the shared-info
     * page hvmloader maps at 0xfdfff), so they would count as changes no guest made.
     */
    protected long[] digests(int domid) {
        long n = frames(domid);
        java.util.BitSet ram = hv.ramFrames(domid, 0, (int) n);
        long[] out = new long[(int) n];
        forEachBatch(n, pfns -> {
            try (ForeignMapping m = hv.map(domid, pfns, pfns.length, false)) {
                for (int i = 0; i < pfns.length; i++) {
                    int pfn = (int) pfns[i];
                    out[pfn] = !ram.get(pfn) ? NOT_RAM : m.error(i) != 0 ? Long.MIN_VALUE + m.error(i) : digest(m.page(i));
                }
            }
        });
        return out;
    }

    /** Copies all memory and the vcpu state of paused {@code from} into paused {@code to}. */
    protected void copyDomain(int from, int to) {
        long n = frames(from);
        assertThat(frames(to)).as("replica frames").isEqualTo(n);
        forEachBatch(n, pfns -> {
            try (ForeignMapping src = hv.map(from, pfns, pfns.length, false);
                 ForeignMapping dst = hv.map(to, pfns, pfns.length, true)) {
                for (int i = 0; i < pfns.length; i++) {
                    if (src.error(i) == 0) {
                        dst.page(i).put(src.page(i));
                    }
                }
            }
        });
        DomainInfo info = hv.domain(from);
        if (info.type().hasHvmContext()) {
            hv.setHvmContext(to, hv.hvmContext(from));
        } else {
            for (int v = 0; v < info.vcpus(); v++) {
                VcpuContext c = hv.vcpuContext(from, v);
                hv.setVcpuContext(to, c);
            }
        }
    }

    private static void forEachBatch(long frames, java.util.function.Consumer<long[]> action) {
        for (long first = 0; first < frames; first += BATCH) {
            long[] pfns = new long[(int) Math.min(BATCH, frames - first)];
            for (int i = 0; i < pfns.length; i++) {
                pfns[i] = first + i;
            }
            action.accept(pfns);
        }
    }

    private static long digest(ByteBuffer page) {
        ByteBuffer b = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long h = 0x6a09e667f3bcc909L;
        for (int o = 0; o < ForeignMapping.PAGE_SIZE; o += 8) {
            h = (h ^ b.getLong(o)) * 0x100000001b3L;
            h ^= h >>> 29;
        }
        return h;
    }
}
