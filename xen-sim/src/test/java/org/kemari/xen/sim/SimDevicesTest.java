package org.kemari.xen.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainType;
import org.kemari.xen.Errno;
import org.kemari.xen.EventChannels;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.HvmContext;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;
import org.kemari.xen.XenStore;

/** Simulator details beyond the TCK: Xen's binary layouts, channel teardown, xenstore specials. */
class SimDevicesTest extends SimHostFixture {
    private static final Duration WAIT = Duration.ofSeconds(5);
    @Test
    void contextsUseXensLayouts() {
        int domid = host.createGuest(GuestSpec.memtouch("layout"));
        hv.pause(domid);
        ByteBuffer vgc = ByteBuffer.wrap(hv.vcpuContext(domid, 0).bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(vgc.capacity()).isEqualTo(5168); // sizeof(vcpu_guest_context_x86_64_t)
        assertThat(vgc.getLong(512) & GuestCpu.VGCF_ONLINE).isNotZero(); // flags
        assertThat(vgc.getLong(520 + 128)).isEqualTo(MemTouch.ENTRY); // user_regs.rip
        HvmContext.Record cpu = hv.hvmContext(domid).records().get(1);
        assertThat(cpu.type()).isEqualTo(HvmContext.TYPE_CPU);
        assertThat(cpu.data()).hasSize(1032); // sizeof(struct hvm_hw_cpu)
        ByteBuffer hw = ByteBuffer.wrap(cpu.data()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(hw.getLong(640)).isEqualTo(MemTouch.ENTRY); // rip
        assertThat(hw.getLong(512)).isEqualTo(vgc.getLong(520 + 80)).isNotZero(); // rax: the generator state
    }

    @Test
    void malformedContextsAreEinval() {
        int domid = hv.createDomain(new DomainConfig("bad-ctx", DomainType.HVM, 256, 1));
        assertThatThrownBy(() -> hv.setVcpuContext(domid, new VcpuContext(0, new byte[100])))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        byte[] truncated = java.util.Arrays.copyOf(hv.hvmContext(domid).bytes(), 40);
        assertThatThrownBy(() -> hv.setHvmContext(domid, new HvmContext(truncated)))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        int pv = hv.createDomain(new DomainConfig("pv-params", DomainType.PV, 256, 1));
        assertThatThrownBy(() -> hv.hvmParam(pv, 1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        hv.setHvmParam(domid, 1, 0xfeff0L);
        assertThat(hv.hvmParam(domid, 1)).isEqualTo(0xfeff0L);
        assertThatThrownBy(() -> hv.hvmParam(domid, 39)).isInstanceOf(XenException.class);
    }

    @Test
    void closingOneEndLeavesTheOtherUnboundAndRebindable() {
        int domid = host.createGuest(GuestSpec.memtouch("evtchn"));
        SimGuest guest = host.guest(domid);
        try (EventChannels dom0 = hv.openEventChannels()) {
            int local = dom0.bindUnboundPort(domid);
            int remote = guest.bindInterdomain(0, local);
            guest.closePort(remote);
            assertThatThrownBy(() -> guest.closePort(remote)).as("closing a port twice")
                    .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            dom0.notify(local); // dropped: the port is unbound again
            assertThat(guest.awaitEvent(Duration.ofMillis(50))).isEmpty();
            int again = guest.bindInterdomain(0, local);
            guest.notify(again);
            assertThat(dom0.pending(WAIT)).hasValue(local);
            hv.destroy(domid);
            dom0.unmask(local);
            dom0.notify(local); // the guest is gone; the notification goes nowhere
            assertThat(dom0.pending(Duration.ofMillis(50))).isEmpty();
        }
    }

    @Test
    void closedHandlesRefuseWork() {
        EventChannels ev = hv.openEventChannels();
        ev.close();
        assertThatThrownBy(() -> ev.bindUnboundPort(0)).isInstanceOfSatisfying(XenException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
        Hypervisor closed = host.open();
        closed.close();
        assertThatThrownBy(closed::domains).isInstanceOf(XenException.class);
    }

    @Test
    void aWritableGrantMappingIsLoggedDirtyWhenUnmapped() {
        int domid = host.createGuest(GuestSpec.memtouch("gnt").withWorkingSetPages(16));
        hv.enableLogDirty(domid);
        hv.pause(domid);
        DirtyBitmap bitmap = new DirtyBitmap(hv.domain(domid).maxGpfn() + 1);
        hv.cleanLogDirty(domid, bitmap);
        long outside = 100; // beyond the 16-page working set: the guest never writes it
        int ref = host.guest(domid).grantAccess(0, outside, false);
        try (GrantTables gt = hv.openGrantTables(); ForeignMapping m = gt.mapGrant(domid, ref, true)) {
            m.page(0).putLong(0, 42);
        }
        hv.cleanLogDirty(domid, bitmap);
        assertThat(bitmap.get(outside)).isTrue();
        assertThat(host.guest(domid).memory().getLong(outside, 0)).isEqualTo(Long.reverseBytes(42));
    }

    @Test
    void restoringAMalformedGrantSnapshotIsEinval() {
        int domid = hv.createDomain(new DomainConfig("gnt-bad", DomainType.HVM, 256, 1));
        try (GrantTables gt = hv.openGrantTables()) {
            assertThatThrownBy(() -> gt.restore(domid, new byte[100]))
                    .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        }
    }

    @Test
    void xenstoreAnnouncesDomainsAndFollowsXenstoredRules() {
        try (XenStore xs = hv.openXenStore()) {
            xs.watch("@introduceDomain", "in");
            xs.watch("@releaseDomain", "out");
            assertThat(xs.readWatch(WAIT)).hasValue(new XenStore.WatchEvent("@introduceDomain", "in"));
            assertThat(xs.readWatch(WAIT)).hasValue(new XenStore.WatchEvent("@releaseDomain", "out"));
            int domid = host.createGuest(GuestSpec.memtouch("announced"));
            assertThat(xs.readWatch(WAIT)).hasValue(new XenStore.WatchEvent("@introduceDomain", "in"));
            hv.destroy(domid);
            assertThat(xs.readWatch(WAIT)).hasValue(new XenStore.WatchEvent("@releaseDomain", "out"));
            assertThat(xs.read("/local/domain/" + domid + "/name")).isEmpty();

            xs.write("/a", "x");
            xs.remove("/a/never-there"); // parent exists: fine, as xenstored
            assertThatThrownBy(() -> xs.remove("/nope/never")).isInstanceOfSatisfying(XenException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
            assertThatThrownBy(() -> xs.write("/bad path", "x")).isInstanceOfSatisfying(XenException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            assertThat(xs.read("name")).as("relative to /local/domain/0").hasValue("Domain-0");
            assertThatThrownBy(() -> xs.write("@introduceDomain", "x")).isInstanceOfSatisfying(XenException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        }
    }

    @Test
    void aGuestSeesItsOwnSubtreeThroughRelativePaths() {
        int domid = host.createGuest(GuestSpec.memtouch("relative"));
        try (XenStore guestXs = host.guest(domid).xenstore(); XenStore dom0 = hv.openXenStore()) {
            guestXs.watch("device", "dev");
            assertThat(guestXs.readWatch(WAIT)).hasValue(new XenStore.WatchEvent("device", "dev"));
            dom0.write("/local/domain/" + domid + "/device/vbd/768/state", "1");
            assertThat(guestXs.readWatch(WAIT)).hasValue(new XenStore.WatchEvent("device/vbd/768/state", "dev"));
            assertThat(guestXs.read("name")).hasValue("relative");
        }
    }
}
