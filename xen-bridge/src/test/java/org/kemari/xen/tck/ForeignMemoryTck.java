package org.kemari.xen.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.XenException;

/** Foreign mappings: live views of guest memory, per-frame errors, read-only and closed mappings. */
public abstract class ForeignMemoryTck extends TckBase {

    @Test
    void aMappingShowsWhatTheGuestWritesWhileMapped() {
        int domid = startGuest("live");
        hv.pause(domid);
        try (ForeignMapping m = hv.map(domid, new long[] {layout().counterPfn()}, 1, false)) {
            ByteBuffer page = m.page(0).order(ByteOrder.LITTLE_ENDIAN);
            long before = page.getLong(layout().counterOffset());
            advance(domid, 3);
            assertThat(page.getLong(layout().counterOffset())).as("counter seen through the open mapping")
                    .isGreaterThanOrEqualTo(before + 3)
                    .isEqualTo(counter(domid));
        }
    }

    @Test
    void whatDom0WritesIsWhatTheGuestReads() {
        int domid = startGuest("poke");
        hv.pause(domid);
        long planted = 1L << 40;
        try (ForeignMapping m = hv.map(domid, new long[] {layout().counterPfn()}, 1, true)) {
            m.page(0).order(ByteOrder.LITTLE_ENDIAN).putLong(layout().counterOffset(), planted);
        }
        hv.unpause(domid);
        // the guest increments the counter in memory, so it continues from the planted value
        awaitCounter(domid, c -> c > planted, "the guest to count on from dom0's value");
    }

    @Test
    void framesBeyondTheGuestFailOneByOne() {
        int domid = startGuest("range");
        long last = hv.domain(domid).maxGpfn();
        long[] pfns = {0, last, last + 1, last + 4096, layout().counterPfn()};
        try (ForeignMapping m = hv.map(domid, pfns, pfns.length, false)) {
            assertThat(m.count()).isEqualTo(5);
            assertThat(m.error(0)).isZero();
            assertThat(m.error(1)).isZero();
            assertThat(m.error(2)).as("pfn maxGpfn+1").isNotZero();
            assertThat(m.error(3)).as("pfn maxGpfn+4096").isNotZero();
            assertThat(m.error(4)).isZero();
            assertThat(m.page(1).capacity()).isEqualTo(ForeignMapping.PAGE_SIZE);
            assertThat(m.pfn(2)).isEqualTo(last + 1);
            int errno = m.error(2);
            assertThatThrownBy(() -> m.page(2)).isInstanceOfSatisfying(XenException.class,
                    e -> assertThat(e.errno()).isEqualTo(errno));
        }
    }

    @Test
    void aPopulatedHoleMapsAndKeepsWhatDom0Writes() {
        int domid = startGuest("populate");
        hv.pause(domid);
        long hole = hv.domain(domid).maxGpfn() + 16;
        long[] pfns = {hole};
        try (ForeignMapping before = hv.map(domid, pfns, 1, false)) {
            assertThat(before.error(0)).as("pfn maxGpfn+16 before populating").isNotZero();
        }
        hv.populate(domid, pfns, 1);
        try (ForeignMapping w = hv.map(domid, pfns, 1, true)) {
            assertThat(w.error(0)).isZero();
            w.page(0).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 0x4b454d4152493031L);
        }
        try (ForeignMapping r = hv.map(domid, pfns, 1, false)) {
            assertThat(r.page(0).order(ByteOrder.LITTLE_ENDIAN).getLong(8)).isEqualTo(0x4b454d4152493031L);
        }
        assertThat(hv.domain(domid).maxGpfn()).isGreaterThanOrEqualTo(hole);
        assertThat(hv.ramFrames(domid, hole - 1, 2).get(1)).as("the populated frame is RAM").isTrue();
    }

    /** What a replica needs where its primary's guest mapped its shared-info page over RAM at boot. */
    @Test
    void sharedInfoMappedOverRamTakesTheFrameAndTheFrameItLeftIsAHole() {
        int blank = blankLike(startGuest("shinfo"));
        assertThat(hv.sharedInfoFrame(blank)).as("a domain built paused has not mapped it yet").isEmpty();
        // above the first MiB, where firmware and the toolstack's own pages sit
        java.util.BitSet ram = hv.ramFrames(blank, 0x100, 64);
        long first = 0x100 + ram.nextSetBit(0);
        long second = 0x100 + ram.nextSetBit(ram.nextSetBit(0) + 1);
        long pages = hv.domain(blank).totPages();

        hv.mapSharedInfo(blank, first);
        assertThat(hv.sharedInfoFrame(blank)).hasValue(first);
        assertThat(hv.ramFrames(blank, first, 1).get(0)).as("its frame is Xen's page, not RAM").isFalse();
        assertThat(hv.domain(blank).totPages()).as("the RAM it displaced is freed").isEqualTo(pages - 1);

        hv.mapSharedInfo(blank, second);
        assertThat(hv.sharedInfoFrame(blank)).hasValue(second);
        assertThat(hv.ramFrames(blank, first, 2).isEmpty()).as("the frame it left is a hole, the new one Xen's").isTrue();
        assertThat(hv.domain(blank).totPages()).isEqualTo(pages - 2);
        try (ForeignMapping m = hv.map(blank, new long[] {first}, 1, false)) {
            assertThat(m.error(0)).as("a hole does not map").isNotZero();
        }

        hv.populate(blank, new long[] {first}, 1);
        assertThat(hv.ramFrames(blank, first, 1).get(0)).as("the hole takes fresh RAM").isTrue();
    }

    @Test
    void ramFramesAreThoseThatMapAndHolesAreNot() {
        int domid = startGuest("ram");
        long last = hv.domain(domid).maxGpfn();
        java.util.BitSet low = hv.ramFrames(domid, 0, 16);
        assertThat(low.get(0)).as("pfn 0").isTrue();
        assertThat(hv.ramFrames(domid, layout().counterPfn(), 1).get(0)).as("the counter's frame").isTrue();
        assertThat(hv.ramFrames(domid, last + 1, 4096).isEmpty()).as("frames beyond maxGpfn").isTrue();
        long[] pfns = new long[16];
        for (int i = 0; i < 16; i++) {
            pfns[i] = i;
        }
        try (ForeignMapping m = hv.map(domid, pfns, 16, false)) {
            for (int i = 0; i < 16; i++) {
                if (low.get(i)) {
                    assertThat(m.error(i)).as("RAM frame %d maps", i).isZero();
                }
            }
        }
    }

    @Test
    void aReadOnlyMappingCannotBeWritten() {
        int domid = startGuest("ro");
        try (ForeignMapping m = hv.map(domid, new long[] {layout().counterPfn()}, 1, false)) {
            ByteBuffer page = m.page(0);
            assertThat(page.isReadOnly()).isTrue();
            assertThatThrownBy(() -> page.putLong(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
        }
    }

    @Test
    void aClosedMappingRefusesAccess() {
        int domid = startGuest("closed");
        ForeignMapping m = hv.map(domid, new long[] {layout().counterPfn()}, 1, false);
        m.close();
        assertThatThrownBy(() -> m.page(0)).isInstanceOf(XenException.class);
    }

    @Test
    void aBadFrameCountIsRejected() {
        int domid = startGuest("count");
        assertThatThrownBy(() -> hv.map(domid, new long[] {0, 1}, 3, false))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.operation()).contains("map"));
    }
}
