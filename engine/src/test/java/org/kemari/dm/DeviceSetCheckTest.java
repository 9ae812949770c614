package org.kemari.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.SimHost;

/**
 * The secondary refuses a stream whose first epoch names devices its replica's device model does
 * not have, before acknowledging that epoch: the device state could not be loaded at failover.
 */
@Timeout(20)
class DeviceSetCheckTest {
    private static final DeviceSet PRIMARY = DeviceSetTest.of(FakeQmp.PCI, FakeQmp.BLOCK);
    /** The replica's QEMU of a guest whose e1000 at 00:04.0 is missing (or was unplugged). */
    private static final String PCI_WITHOUT_NIC = FakeQmp.PCI.replace(", " + FakeQmp.pci(4, 0, 0x8086, 0x100e, 0x0200), "");
    private static final Function<String, List<String>> ANSWER_ANYTHING = req -> List.of("{\"return\": {}}");

    @TempDir
    Path runDir;

    private final SimHost host = new SimHost();
    private final Hypervisor hv = host.open();
    private final int replica = hv.createDomain(new DomainConfig("g1-replica", DomainType.HVM, 1024, 1));
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        hv.close();
        host.close();
    }

    private HvmTakeover takeover(DeviceModels models) {
        HvmTakeover t = new HvmTakeover(models, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        t.forget(hv, () -> replica);
        return t;
    }

    private static List<OpaqueRecord> firstEpoch(DeviceSet devices) {
        return List.of(new OpaqueRecord(OpaqueRecord.Kind.HVM_PLATFORM, new HvmPlatform(java.util.Map.of(), new byte[] {1}).encode()),
                new OpaqueRecord(OpaqueRecord.Kind.DEVICE_SET, devices.encode()));
    }

    @Test
    void aReplicaBuiltWithThePrimarysDevicesIsAccepted() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, replica), FakeQmp.GREETING, ANSWER_ANYTHING)) {
            HvmTakeover t = takeover(new DeviceModels(runDir, runDir));
            t.committed(new EpochId(1), firstEpoch(PRIMARY));
            assertThat(qemu.requests).anyMatch(r -> r.contains("query-pci")).anyMatch(r -> r.contains("query-block"));
            assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("replica dom " + replica
                    + ": its device model has the primary's 6 devices");
        }
    }

    @Test
    void aReplicaWithoutTheNicIsRefusedNamingIt() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, replica), FakeQmp.GREETING, PCI_WITHOUT_NIC, FakeQmp.BLOCK,
                ANSWER_ANYTHING)) {
            HvmTakeover t = takeover(new DeviceModels(runDir, runDir));
            assertThatThrownBy(() -> t.committed(new EpochId(1), firstEpoch(PRIMARY)))
                    .hasMessage("replica dom " + replica + "'s device model has other devices than the primary's: the primary's has"
                            + " 'pci 00:04.0 8086:100e class 0200', the replica's has not (1 difference(s) in all); it could not"
                            + " load the primary's device state at failover, so the stream is refused (give the replica the"
                            + " guest's emulated devices: replica.xl-config, docs/config-reference.md)");
        }
    }

    @Test
    void aReplicaWithADiskOfAnotherSizeIsRefused() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, replica), FakeQmp.GREETING, FakeQmp.PCI,
                FakeQmp.BLOCK.replace("8388608", "4194304"), ANSWER_ANYTHING)) {
            HvmTakeover t = takeover(new DeviceModels(runDir, runDir));
            assertThatThrownBy(() -> t.committed(new EpochId(1), firstEpoch(PRIMARY)))
                    .hasMessageContaining("the primary's has 'block ide0-hd0 fixed 8388608', the replica's has not");
        }
    }

    @Test
    void aReplicaWithoutDeviceModelIsRefused() {
        HvmTakeover t = takeover(DeviceModels.of(hv));
        assertThatThrownBy(() -> t.committed(new EpochId(1), firstEpoch(PRIMARY)))
                .hasMessageStartingWith("the primary's guest has a device model with 6 devices, and replica dom " + replica
                        + " here has none; it could not load the primary's device state at failover, so the stream is refused");
    }

    /**
     * A guest with PV drivers unplugs QEMU's emulated NIC at boot; its never-booted replica's QEMU
     * still has it. Such a guest cannot fail over (its upcall), so the replica is kept, with a warning.
     */
    @Test
    void aGuestThatCannotFailOverAnywayKeepsItsReplicaDespiteOtherDevices() throws Exception {
        DeviceSet unplugged = DeviceSetTest.of(PCI_WITHOUT_NIC, FakeQmp.BLOCK);
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, replica), FakeQmp.GREETING, ANSWER_ANYTHING)) {
            HvmTakeover t = takeover(new DeviceModels(runDir, runDir));
            List<OpaqueRecord> epoch = List.of(new OpaqueRecord(OpaqueRecord.Kind.HVM_PLATFORM,
                            new HvmPlatform(java.util.Map.of(HvmParams.CALLBACK_IRQ, 0x02000000000000f3L), new byte[] {1}).encode()),
                    new OpaqueRecord(OpaqueRecord.Kind.DEVICE_SET, unplugged.encode()));
            t.committed(new EpochId(1), epoch);
            assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("the replica's has 'pci 00:04.0 8086:100e class 0200',"
                    + " the primary's has not").contains("failover is refused anyway (guest g1-replica (HVM) registered an"
                    + " event-channel upcall").contains("so the replica is kept up to date");
        }
    }

    @Test
    void aMalformedRecordFailsTheEpochNamingIt() {
        HvmTakeover t = takeover(DeviceModels.of(hv));
        List<OpaqueRecord> records = List.of(new OpaqueRecord(OpaqueRecord.Kind.DEVICE_SET, "pci\n".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> t.committed(new EpochId(1), records))
                .hasMessage("epoch 1, DEVICE_SET record: line 1 'pci' names no device");
    }
}
