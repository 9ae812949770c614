package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.Map;

import com.sun.jna.Library;
import com.sun.jna.Native;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainState;
import org.kemari.xen.DomainType;
import org.kemari.xen.Errno;
import org.kemari.xen.EventChannels;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantEntry;
import org.kemari.xen.GrantTables;
import org.kemari.xen.HvmContext;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;
import org.kemari.xen.XenStore;
import org.kemari.xen.jna.bind.LibC;
import org.kemari.xen.jna.bind.XenCtrl;
import org.kemari.xen.jna.bind.XenEvtchn;
import org.kemari.xen.jna.bind.XenForeignMemory;
import org.kemari.xen.jna.bind.XenGnttab;
import org.kemari.xen.jna.bind.XenStoreLib;
import org.kemari.xen.jna.bind.XenToolLog;

/**
 * The whole xen backend through real native calls, with the bindings loaded against
 * native/xen-double.c instead of the Xen libraries: structures, hypercall buffers, pointer
 * arrays, C bool results, errno and pollable descriptors cross JNA exactly as on a dom0.
 * The double's model is dom0 plus dom5 "g1" (PVH, frames 0..63 and 0xfff).
 */
class XenDoubleTest {
    private static final int G1 = 5;
    private static final long MAX_GPFN = 0xfff;
    /** dlopen RTLD_LAZY without RTLD_GLOBAL: the double's symbols must not shadow the real libraries'. */
    private static final Map<String, Object> LOCAL = Map.of(Library.OPTION_OPEN_FLAGS, 1);

    private static XenLibraries libs;
    private static Control control;
    private XenHypervisor hv;

    @BeforeAll
    static void loadDouble() {
        String so = TestNatives.require("libxen-double.so", "xen-double", "xen backend on the test double").toString();
        libs = new XenLibraries(Native.load(so, XenCtrl.class, LOCAL), Native.load(so, XenEvtchn.class, LOCAL),
                Native.load(so, XenGnttab.class, LOCAL), Native.load(so, XenForeignMemory.class, LOCAL),
                Native.load(so, XenStoreLib.class, LOCAL), Native.load(so, XenToolLog.class, LOCAL),
                Native.load(LibC.SONAME, LibC.class));
        control = Native.load(so, Control.class, LOCAL);
    }

    @BeforeEach
    void open() {
        assertThat(control.xen_double_reset()).isZero();
        hv = new XenHypervisor(libs);
    }

    @AfterEach
    void close() {
        hv.close();
    }

    @Test
    void domainsComeFromGetinfolistWithNamesFromXenstore() {
        assertThat(hv.domains()).containsExactly(
                new DomainInfo(0, "Domain-0", DomainState.BLOCKED, DomainType.PV, 1000, 1000, 999, 1),
                new DomainInfo(G1, "g1", DomainState.BLOCKED, DomainType.PVH, 66, 65, MAX_GPFN, 2));
        assertThat(hv.lookup("g1").domid()).isEqualTo(G1);
        assertThat(hv.lookup("5").name()).isEqualTo("g1");
        assertThatThrownBy(() -> hv.lookup("nobody")).isInstanceOf(XenException.class)
                .hasMessage("lookup: no domain named 'nobody' (errno 3 ESRCH)");
        // getinfolist answers with the next domain up: dom3 must not come back as dom5
        assertThatThrownBy(() -> hv.domain(3)).isInstanceOf(XenException.class)
                .hasMessage("xc_domain_getinfolist(dom 3): no such domain (errno 3 ESRCH)");
    }

    @Test
    void pausesNestAndErrorsCarryFunctionDomainAndErrno() {
        hv.pause(G1);
        hv.pause(G1);
        hv.unpause(G1);
        assertThat(hv.domain(G1).state()).isEqualTo(DomainState.PAUSED);
        hv.unpause(G1);
        assertThat(hv.domain(G1).paused()).isFalse();
        assertThatThrownBy(() -> hv.unpause(G1)).isInstanceOf(XenException.class)
                .hasMessage("xc_domain_unpause(dom 5): Invalid argument (errno 22 EINVAL)");
        assertThatThrownBy(() -> hv.pause(9)).isInstanceOf(XenException.class)
                .hasMessage("xc_domain_pause(dom 9): No such process (errno 3 ESRCH)");
        hv.destroy(G1);
        assertThat(hv.domains()).extracting(DomainInfo::domid).containsExactly(0);
    }

    @Test
    void logDirtyFillsTheBitmapThroughTheHypercallBuffer() {
        DirtyBitmap bitmap = new DirtyBitmap(MAX_GPFN + 1);
        bitmap.set(100); // stale from an earlier epoch
        hv.enableLogDirty(G1);
        assertThatThrownBy(() -> hv.enableLogDirty(G1)).isInstanceOfSatisfying(XenException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        for (long pfn : new long[] {1, 63, 64, MAX_GPFN}) {
            control.xen_double_dirty(G1, pfn);
        }
        assertThat(hv.cleanLogDirty(G1, bitmap)).isEqualTo(4);
        assertThat(bitmap.collect(new long[8])).isEqualTo(4);
        long[] set = new long[4];
        bitmap.collect(set);
        assertThat(set).containsExactly(1, 63, 64, MAX_GPFN);
        assertThat(hv.cleanLogDirty(G1, bitmap)).isZero();

        control.xen_double_dirty(G1, 7);
        assertThat(hv.peekLogDirty(G1, bitmap)).isEqualTo(1);
        assertThat(hv.peekLogDirty(G1, bitmap)).isEqualTo(1);
        assertThat(hv.cleanLogDirty(G1, bitmap)).isEqualTo(1);
        assertThat(bitmap.get(7)).isTrue();
        hv.disableLogDirty(G1);
    }

    @Test
    void aPvGuestsLogDirtyRefusalSaysWhatToDo() {
        assertThatThrownBy(() -> hv.enableLogDirty(0)).isInstanceOf(XenException.class)
                .hasMessage("xc_logdirty_control(ENABLE_LOGDIRTY)(dom 0): Operation not supported; a PV guest cannot"
                        + " log dirty pages on a Xen built without shadow paging (Debian's): use PVH or HVM"
                        + " (errno 95 EOPNOTSUPP)");
    }

    @Test
    void foreignMappingsAliasGuestMemoryWithPerFrameErrors() {
        long[] pfns = {0, 1, 0x800, MAX_GPFN};
        try (ForeignMapping rw = hv.map(G1, pfns, pfns.length, true);
             ForeignMapping ro = hv.map(G1, new long[] {1}, 1, false)) {
            assertThat(new int[] {rw.error(0), rw.error(1), rw.error(2), rw.error(3)})
                    .containsExactly(0, 0, Errno.ENOENT, 0);
            rw.page(1).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 0x1122334455667788L);
            ByteBuffer seen = ro.page(0).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(seen.getLong(8)).isEqualTo(0x1122334455667788L);
            assertThatThrownBy(() -> seen.putLong(0, 1)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> rw.page(2)).isInstanceOf(XenException.class)
                    .hasMessage("xenforeignmemory_map(dom 5): frame 2048 (index 2) is not mapped (errno 2 ENOENT)");
        }
        assertThatThrownBy(() -> hv.map(G1, pfns, 5, false)).isInstanceOf(XenException.class)
                .hasMessage("xenforeignmemory_map(dom 5): frame count 5 outside 1..4 (errno 22 EINVAL)");
    }

    @Test
    void hvmContextSizeQueryGetAndSet() {
        assertThat(hv.hvmContextSize(G1)).isEqualTo(40);
        HvmContext ctx = hv.hvmContext(G1);
        assertThat(ctx.records()).extracting(HvmContext.Record::type)
                .containsExactly(HvmContext.TYPE_HEADER, HvmContext.TYPE_END);
        byte[] bad = ctx.bytes();
        bad[HvmContext.DESCRIPTOR_SIZE] ^= 0x5a;
        assertThatThrownBy(() -> hv.setHvmContext(G1, new HvmContext(bad))).isInstanceOf(XenException.class)
                .hasMessage("xc_domain_hvm_setcontext(dom 5): Invalid argument (errno 22 EINVAL)");
        byte[] changed = ctx.bytes();
        changed[HvmContext.DESCRIPTOR_SIZE + 8] = 42; // changeset
        hv.setHvmContext(G1, new HvmContext(changed));
        assertThat(hv.hvmContext(G1).bytes()).isEqualTo(changed);
    }

    @Test
    void aVcpuWaitingOnTheDeviceModelIsSeenInTheIoreqPage() {
        assertThat(hv.ioreqPending(G1, 0)).isFalse();
        control.xen_double_ioreq_state(1, 3); // STATE_IORESP_READY: answered, not yet taken
        assertThat(hv.ioreqPending(G1, 0)).isTrue();
        control.xen_double_ioreq_state(1, 0);
        control.xen_double_ioreq_state(0, 1); // STATE_IOREQ_READY
        assertThat(hv.ioreqPending(G1, 0)).isTrue();
        assertThatThrownBy(() -> hv.ioreqPending(G1, 1)).isInstanceOf(XenException.class)
                .hasMessageStartingWith("xenforeignmemory_map_resource(ioreq server 1)(dom 5)");
    }

    @Test
    void vcpuContextsAndHvmParamsRoundTrip() {
        VcpuContext c = hv.vcpuContext(G1, 1);
        assertThat(c.bytes()).hasSize(XenCtrl.SIZEOF_VCPU_GUEST_CONTEXT_ANY).containsOnly((byte) 0x5a);
        byte[] raw = c.bytes();
        raw[0] = 1;
        hv.setVcpuContext(G1, new VcpuContext(1, raw));
        assertThat(hv.vcpuContext(G1, 1).bytes()).isEqualTo(raw);
        assertThatThrownBy(() -> hv.vcpuContext(G1, 7)).isInstanceOf(XenException.class)
                .hasMessage("xc_vcpu_getcontext(vcpu 7)(dom 5): Invalid argument (errno 22 EINVAL)");
        assertThatThrownBy(() -> hv.setVcpuContext(G1, new VcpuContext(0, new byte[12])))
                .isInstanceOf(XenException.class).hasMessageContaining("is 12 bytes");

        hv.setHvmParam(G1, 17, 0x1_0000_0001L);
        assertThat(hv.hvmParam(G1, 17)).isEqualTo(0x1_0000_0001L);
    }

    @Test
    void eventChannelsFireMaskCoalesceAndWaitBounded() {
        try (EventChannels ev = hv.openEventChannels()) {
            int a = ev.bindUnboundPort(0);
            int b = ev.bindInterdomain(0, a);
            assertThat(ev.pending(Duration.ofMillis(20))).isEmpty();
            ev.notify(b);
            assertThat(ev.pending(Duration.ofSeconds(5))).hasValue(a);
            ev.notify(b);
            ev.notify(b);
            assertThat(ev.pending(Duration.ofMillis(20))).as("masked").isEmpty();
            ev.unmask(a);
            assertThat(ev.pending(Duration.ofSeconds(5))).as("coalesced").hasValue(a);
            assertThatThrownBy(() -> ev.bindInterdomain(0, 60)).isInstanceOf(XenException.class)
                    .hasMessage("xenevtchn_bind_interdomain(remote port 60)(dom 0): Invalid argument (errno 22 EINVAL)");
            ev.unbind(b);
            ev.unbind(a);
        }
    }

    @Test
    void unboundPortsAllocatedInTheGuestsTable() {
        assertThat(hv.allocUnboundPort(G1, 0)).isEqualTo(1);
        assertThat(hv.allocUnboundPort(G1, 0)).isEqualTo(2);
        assertThatThrownBy(() -> hv.allocUnboundPort(G1, 9)).isInstanceOf(XenException.class)
                .hasMessage("xc_evtchn_alloc_unbound(remote dom9)(dom 5): No such process (errno 3 ESRCH)");
    }

    @Test
    void grantFramesSnapshotRestoreAndMapThroughTheTable() {
        try (GrantTables gt = hv.openGrantTables();
             ForeignMapping ram = hv.map(G1, new long[] {1}, 1, true)) {
            byte[] table = gt.snapshot(G1);
            assertThat(table).hasSize(2 * ForeignMapping.PAGE_SIZE).containsOnly(0);
            // ref 3: dom0 may read frame 1
            ByteBuffer.wrap(table, 3 * GrantEntry.SIZE, GrantEntry.SIZE).order(ByteOrder.LITTLE_ENDIAN)
                    .putShort((short) (GrantEntry.GTF_PERMIT_ACCESS | GrantEntry.GTF_READONLY)).putShort((short) 0)
                    .putInt(1);
            gt.restore(G1, table);
            assertThat(GrantTables.entry(gt.snapshot(G1), 3)).isEqualTo(new GrantEntry(3,
                    GrantEntry.GTF_PERMIT_ACCESS | GrantEntry.GTF_READONLY, 0, 1));

            ram.page(0).put(0, (byte) 77);
            try (ForeignMapping granted = gt.mapGrant(G1, 3, false)) {
                assertThat(granted.pfn(0)).isEqualTo(3);
                assertThat(granted.page(0).get(0)).isEqualTo((byte) 77);
            }
            assertThatThrownBy(() -> gt.mapGrant(G1, 3, true)).isInstanceOf(XenException.class)
                    .hasMessage("xengnttab_map_grant_ref(ref 3)(dom 5): Invalid argument (errno 22 EINVAL)");
            assertThatThrownBy(() -> gt.restore(G1, new byte[3 * ForeignMapping.PAGE_SIZE]))
                    .isInstanceOf(XenException.class).hasMessageContaining("does not fit the domain's 2 grant frames");
        }
    }

    @Test
    void xenstoreReadsListsWatchesAndRemoves() {
        try (XenStore xs = hv.openXenStore()) {
            xs.write("/tool/t/a", "1");
            xs.write("/tool/t/b/c", "ü");
            assertThat(xs.read("/tool/t/a")).hasValue("1");
            assertThat(xs.read("/tool/t/b/c")).hasValue("ü");
            assertThat(xs.read("/tool/t/none")).isEmpty();
            assertThat(xs.list("/tool/t")).containsExactlyInAnyOrder("a", "b");
            assertThat(xs.list("/tool/none")).isEmpty();

            xs.watch("/tool/t/b", "tok");
            assertThat(xs.readWatch(Duration.ofSeconds(5))).hasValue(new XenStore.WatchEvent("/tool/t/b", "tok"));
            assertThat(xs.readWatch(Duration.ofMillis(20))).isEmpty();
            xs.write("/tool/t/b/d", "2");
            xs.write("/tool/t/a", "3");
            assertThat(xs.readWatch(Duration.ofSeconds(5))).hasValue(new XenStore.WatchEvent("/tool/t/b/d", "tok"));
            assertThat(xs.readWatch(Duration.ofMillis(20))).as("outside the watch").isEmpty();
            xs.unwatch("/tool/t/b", "tok");
            assertThatThrownBy(() -> xs.unwatch("/tool/t/b", "tok")).isInstanceOf(XenException.class)
                    .hasMessage("xs_unwatch(/tool/t/b, tok): No such file or directory (errno 2 ENOENT)");

            xs.remove("/tool/t/b");
            assertThat(xs.list("/tool/t")).containsExactly("a");
            xs.remove("/tool/t/b");
        }
    }

    @Test
    void aClosedBackendRefusesCallsInsteadOfPassingFreedHandles() {
        hv.close();
        assertThatThrownBy(() -> hv.pause(G1)).isInstanceOfSatisfying(XenException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
        assertThatThrownBy(() -> hv.cleanLogDirty(G1, new DirtyBitmap(8))).isInstanceOf(XenException.class)
                .hasMessage("xen backend: hypervisor handle is closed (errno 9 EBADF)");
    }

    @Test
    void createDomainPointsAtXlCreate() {
        assertThatThrownBy(() -> hv.createDomain(org.kemari.xen.DomainConfig.like(hv.domain(G1), "g1-replica")))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP))
                .hasMessageContaining("xl create -p");
    }

    /** The double's own controls (not part of any Xen library). */
    interface Control extends Library {
        int xen_double_reset();

        void xen_double_dirty(int domid, long pfn);

        void xen_double_ioreq_state(int vcpu, int state);
    }
}
