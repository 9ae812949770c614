package org.kemari.xen.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.OptionalInt;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.Errno;
import org.kemari.xen.XenException;

/** Log-dirty: what clean and peek report, and what they must never lose. */
public abstract class LogDirtyTck extends TckBase {

    @Test
    void cleanReportsExactlyThePagesWrittenSinceTheLastClean() {
        int domid = pausedLoggingGuest("clean");
        DirtyBitmap bitmap = new DirtyBitmap(frames(domid));
        long[] before = digests(domid);
        advance(domid, 40);
        long count = hv.cleanLogDirty(domid, bitmap);
        long[] after = digests(domid);

        TreeSet<Long> changed = changedPages(before, after);
        TreeSet<Long> dirty = setPages(bitmap);
        assertThat(count).as("returned count").isEqualTo(bitmap.cardinality());
        assertThat(changed).as("pages written").isNotEmpty().contains(layout().counterPfn());
        assertThat(dirty).as("dirty pages must include every changed page").containsAll(changed);
        assertThat(dirty).as("dirty pages outside what the guest writes")
                .allMatch(pfn -> layout().mayWrite(pfn));
        if (target().canStep()) {
            assertThat(dirty).as("dirty pages after exact steps").isEqualTo(changed);
        }
        assertThat(hv.cleanLogDirty(domid, bitmap)).as("clean right after a clean, guest paused").isZero();
        assertThat(bitmap.cardinality()).isZero();
    }

    @Test
    void peekLeavesTheLogAsItIs() {
        int domid = pausedLoggingGuest("peek");
        long frames = frames(domid);
        advance(domid, 20);
        DirtyBitmap first = new DirtyBitmap(frames);
        DirtyBitmap second = new DirtyBitmap(frames);
        DirtyBitmap cleaned = new DirtyBitmap(frames);
        long n = hv.peekLogDirty(domid, first);
        assertThat(n).isPositive();
        assertThat(hv.peekLogDirty(domid, second)).isEqualTo(n);
        assertThat(second.words()).isEqualTo(first.words());
        assertThat(hv.cleanLogDirty(domid, cleaned)).isEqualTo(n);
        assertThat(cleaned.words()).isEqualTo(first.words());
        assertThat(hv.peekLogDirty(domid, second)).isZero();
    }

    /** Guest writes racing cleans of a running guest: every page changed lands in some harvest. */
    @Test
    void noWriteIsLostToACleanRacingIt() {
        int domid = pausedLoggingGuest("race");
        long frames = frames(domid);
        DirtyBitmap harvest = new DirtyBitmap(frames);
        DirtyBitmap union = new DirtyBitmap(frames);
        long[] before = digests(domid);
        long start = counter(domid);
        hv.unpause(domid);
        for (int round = 0; round < 20; round++) {
            hv.cleanLogDirty(domid, harvest);
            union.or(harvest);
            sleep(2);
        }
        awaitCounter(domid, c -> c > start, "progress while cleaning");
        hv.pause(domid);
        hv.cleanLogDirty(domid, harvest);
        union.or(harvest);
        TreeSet<Long> changed = changedPages(before, digests(domid));
        assertThat(changed).isNotEmpty();
        assertThat(setPages(union)).as("union of all harvests").containsAll(changed);
    }

    @Test
    void enablingTwiceIsEinval() {
        int domid = startGuest("twice");
        hv.enableLogDirty(domid);
        XenException e = catchThrowableOfType(XenException.class, () -> hv.enableLogDirty(domid));
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        assertThat(e.domid()).isEqualTo(domid);
    }

    /**
     * Xen keeps no bitmap while log-dirty is off and its clean walks an empty trie: it reports
     * no dirty page rather than failing. Disabling drops what was logged.
     */
    @Test
    void withLogDirtyOffNothingIsReported() {
        int domid = startGuest("off");
        long start = counter(domid);
        awaitCounter(domid, c -> c > start + 5, "the guest to write");
        DirtyBitmap bitmap = new DirtyBitmap(frames(domid));
        assertThat(hv.cleanLogDirty(domid, bitmap)).isZero();
        hv.enableLogDirty(domid);
        long mark = counter(domid);
        awaitCounter(domid, c -> c > mark + 5, "the guest to write");
        hv.disableLogDirty(domid);
        hv.pause(domid);
        assertThat(hv.cleanLogDirty(domid, bitmap)).isZero();
        assertThat(bitmap.cardinality()).isZero();
    }

    @Test
    void pvGuestRefusesLogDirtyWithEopnotsupp() {
        assumeFalse(target().pvLogDirtySupported(), "this Xen has shadow paging");
        OptionalInt pv = target().createPvDomain(hv, uniqueName("pv"));
        assumeTrue(pv.isPresent(), "backend cannot create a PV domain");
        own(pv.getAsInt());
        XenException e = catchThrowableOfType(XenException.class, () -> hv.enableLogDirty(pv.getAsInt()));
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP);
    }

    /** A paused guest logging dirty pages, its log just cleaned. */
    private int pausedLoggingGuest(String what) {
        int domid = startGuest(what);
        hv.enableLogDirty(domid);
        hv.pause(domid);
        hv.cleanLogDirty(domid, new DirtyBitmap(frames(domid)));
        return domid;
    }

    static TreeSet<Long> changedPages(long[] before, long[] after) {
        TreeSet<Long> out = new TreeSet<>();
        for (int i = 0; i < before.length; i++) {
            if (before[i] != after[i]) {
                out.add((long) i);
            }
        }
        return out;
    }

    static TreeSet<Long> setPages(DirtyBitmap bitmap) {
        TreeSet<Long> out = new TreeSet<>();
        bitmap.forEachSet(out::add);
        return out;
    }
}
