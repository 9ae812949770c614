package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainState;
import org.kemari.xen.DomainType;
import org.kemari.xen.jna.bind.XcDomainInfo;
import org.kemari.xen.jna.bind.XenCtrl;

class DomainFlagsTest {

    @Test
    void statesFollowXlPrecedence() {
        assertThat(DomainFlags.state(XenCtrl.XEN_DOMINF_running)).isEqualTo(DomainState.RUNNING);
        assertThat(DomainFlags.state(0)).isEqualTo(DomainState.RUNNING);
        assertThat(DomainFlags.state(XenCtrl.XEN_DOMINF_blocked)).isEqualTo(DomainState.BLOCKED);
        assertThat(DomainFlags.state(XenCtrl.XEN_DOMINF_paused | XenCtrl.XEN_DOMINF_blocked))
                .isEqualTo(DomainState.PAUSED);
        assertThat(DomainFlags.state(XenCtrl.XEN_DOMINF_shutdown | XenCtrl.XEN_DOMINF_paused))
                .isEqualTo(DomainState.SHUTDOWN);
        assertThat(DomainFlags.state(XenCtrl.XEN_DOMINF_shutdown
                | XenCtrl.SHUTDOWN_crash << XenCtrl.XEN_DOMINF_shutdownshift)).isEqualTo(DomainState.CRASHED);
        assertThat(DomainFlags.state(XenCtrl.XEN_DOMINF_dying | XenCtrl.XEN_DOMINF_shutdown))
                .isEqualTo(DomainState.DYING);
    }

    @Test
    void typeComesFromTheHvmFlagAndTheEmulatedPlatform() {
        assertThat(DomainFlags.type(0, 0)).isEqualTo(DomainType.PV);
        int lapicOnly = 1;
        assertThat(DomainFlags.type(XenCtrl.XEN_DOMINF_hvm_guest, lapicOnly)).isEqualTo(DomainType.PVH);
        int emuAllButVpci = 0x3ff;
        assertThat(DomainFlags.type(XenCtrl.XEN_DOMINF_hvm_guest, emuAllButVpci)).isEqualTo(DomainType.HVM);
    }

    /** Bytes laid out as Xen writes them (offsets from the ABI probe), read back through JNA. */
    @Test
    void aRawDomainInfoBecomesADomainInfo() {
        XcDomainInfo raw = new XcDomainInfo();
        raw.getPointer().setShort(0, (short) 40000);
        raw.getPointer().setInt(4, XenCtrl.XEN_DOMINF_hvm_guest | XenCtrl.XEN_DOMINF_paused);
        raw.getPointer().setLong(8, 32768);
        raw.getPointer().setLong(16, 32800);
        raw.getPointer().setInt(68, 1);
        raw.getPointer().setInt(104, 1);
        raw.read();

        DomainInfo info = DomainFlags.toInfo(raw, "g1", 0xfffff);

        assertThat(info).isEqualTo(new DomainInfo(40000, "g1", DomainState.PAUSED, DomainType.PVH,
                32800, 32768, 0xfffff, 2));
    }

    @Test
    void aDomainWithoutVcpusHasZero() {
        XcDomainInfo raw = new XcDomainInfo();
        raw.max_vcpu_id = -1; // XEN_INVALID_MAX_VCPU_ID
        assertThat(DomainFlags.toInfo(raw, "d", 0).vcpus()).isZero();
    }
}
