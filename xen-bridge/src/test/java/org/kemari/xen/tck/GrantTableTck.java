package org.kemari.xen.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantEntry;
import org.kemari.xen.GrantTables;
import org.kemari.xen.XenException;

/** Grant tables: snapshots that reflect grants, live outside guest RAM, and mapping rules. */
public abstract class GrantTableTck extends TckBase {

    private GuestAgent agent(int domid) {
        var agent = target().agent(domid);
        assumeTrue(agent.isPresent(), "backend cannot act as the guest kernel");
        return agent.get();
    }

    @Test
    void aGrantShowsInTheSnapshotAndMapsTheGrantedFrame() {
        int domid = startGuest("grant");
        GuestAgent guest = agent(domid);
        hv.pause(domid);
        long pfn = layout().counterPfn();
        int ref = guest.grantAccess(0, pfn, true);
        try (GrantTables gt = hv.openGrantTables()) {
            GrantEntry e = GrantTables.entry(gt.snapshot(domid), ref);
            assertThat(e.inUse()).isTrue();
            assertThat(e.readOnly()).isTrue();
            assertThat(e.domid()).isZero();
            assertThat(e.frame()).isEqualTo(pfn);
            try (ForeignMapping m = gt.mapGrant(domid, ref, false)) {
                assertThat(m.page(0).order(ByteOrder.LITTLE_ENDIAN).getLong(layout().counterOffset()))
                        .isEqualTo(counter(domid));
                assertThat(guest.endAccess(ref)).as("end access while mapped").isFalse();
            }
            assertThat(guest.endAccess(ref)).as("end access once unmapped").isTrue();
            assertThat(GrantTables.entry(gt.snapshot(domid), ref).inUse()).isFalse();
        }
    }

    @Test
    void grantFramesAreNotGuestRam() {
        int domid = startGuest("outside");
        GuestAgent guest = agent(domid);
        hv.enableLogDirty(domid);
        hv.pause(domid);
        DirtyBitmap bitmap = new DirtyBitmap(frames(domid));
        hv.cleanLogDirty(domid, bitmap);
        long[] before = digests(domid);
        int ref = guest.grantAccess(0, layout().workingSetFirstPfn(), false);
        try (GrantTables gt = hv.openGrantTables()) {
            assertThat(GrantTables.entry(gt.snapshot(domid), ref).frame()).isEqualTo(layout().workingSetFirstPfn());
        }
        assertThat(digests(domid)).as("guest RAM after granting").isEqualTo(before);
        assertThat(hv.cleanLogDirty(domid, bitmap)).as("pages dirtied by granting").isZero();
    }

    @Test
    void aSnapshotRestoresIntoAnotherDomain() {
        int domid = startGuest("snap");
        GuestAgent guest = agent(domid);
        hv.pause(domid);
        int ref = guest.grantAccess(0, layout().workingSetFirstPfn() + 1, false);
        int copy = blankLike(domid);
        try (GrantTables gt = hv.openGrantTables()) {
            byte[] snapshot = gt.snapshot(domid);
            gt.restore(copy, snapshot);
            assertThat(gt.snapshot(copy)).isEqualTo(snapshot);
            assertThat(GrantTables.entry(gt.snapshot(copy), ref).frame()).isEqualTo(layout().workingSetFirstPfn() + 1);
        }
    }

    @Test
    void mappingsAreCheckedAgainstTheGrant() {
        int domid = startGuest("deny");
        GuestAgent guest = agent(domid);
        int other = startGuest("grantee");
        int readOnly = guest.grantAccess(0, layout().counterPfn(), true);
        int toOther = guest.grantAccess(other, layout().counterPfn(), false);
        try (GrantTables gt = hv.openGrantTables()) {
            assertThatThrownBy(() -> gt.mapGrant(domid, readOnly, true)).as("writable map of a read-only grant")
                    .isInstanceOf(XenException.class);
            assertThatThrownBy(() -> gt.mapGrant(domid, toOther, false)).as("map of a grant to another domain")
                    .isInstanceOf(XenException.class);
            assertThatThrownBy(() -> gt.mapGrant(domid, 1 << 20, false)).as("map of a ref beyond the table")
                    .isInstanceOf(XenException.class);
        }
    }
}
