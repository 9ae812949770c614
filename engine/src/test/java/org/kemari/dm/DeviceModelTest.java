package org.kemari.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The primary's side of the device model against a QEMU stand-in on libxl's socket path. */
@Timeout(20)
class DeviceModelTest {
    private static final Pattern FILENAME = Pattern.compile("\"filename\":\"([^\"]+)\"");
    private static final byte[] STATE = {'Q', 'E', 'V', 'M', 0, 0, 0, 3, 42};

    @TempDir
    Path runDir;

    /** An HVM guest on a simulated host: what PlatformCapture reads besides QEMU. */
    private static final class GuestHost implements AutoCloseable {
        final SimHost host = new SimHost();
        final Hypervisor hv = host.open();
        final int domid = host.createGuest(GuestSpec.memtouch("g1"));

        @Override
        public void close() throws Exception {
            hv.close();
            host.close();
        }
    }

    private GuestHost guestHost;

    @BeforeEach
    void guest() {
        guestHost = new GuestHost();
    }

    @AfterEach
    void noGuest() throws Exception {
        guestHost.close();
    }

    /** Answers xen-save-devices-state by writing STATE where it was asked to, as QEMU does. */
    private static Function<String, List<String>> qemuSaving() {
        return req -> {
            Matcher m = FILENAME.matcher(req);
            if (req.contains("xen-save-devices-state") && m.find()) {
                try {
                    Files.write(Path.of(m.group(1)), STATE);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return List.of("{\"return\": {}}");
        };
    }

    private static byte[] saveOnce(DeviceModel dm, Path file) {
        return dm.save(file);
    }

    private static List<String> commands(FakeQmp qemu) {
        return qemu.requests.stream().map(r -> {
            Matcher m = Pattern.compile("\"execute\":\"([^\"]+)\"").matcher(r);
            return m.find() ? m.group(1) : r;
        }).toList();
    }

    @Test
    void saveAsksForACheckpointNotALiveMigrationAndReturnsTheFilesBytes() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, 5), FakeQmp.GREETING, qemuSaving())) {
            DeviceModel dm = DeviceModel.open(runDir, 5);
            Path file = runDir.resolve("state");
            assertThat(saveOnce(dm, file)).containsExactly(STATE);
            assertThat(file).doesNotExist();
            assertThat(commands(qemu)).containsExactly("qmp_capabilities", "xen-save-devices-state");
            assertThat(qemu.requests.get(1)).contains("\"live\":false");
        }
    }

    @Test
    void aFailedSaveLeavesNoDeviceStateToShip() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, guestHost.domid), FakeQmp.GREETING, req -> req.contains("xen-save")
                ? List.of("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no space\"}}") : List.of("{\"return\": {}}"));
             PlatformCapture capture = PlatformCapture.open(guestHost.hv, guestHost.domid, new DeviceModels(runDir, runDir))) {
            assertThatThrownBy(() -> capture.quiesce(new EpochId(1))).hasMessageEndingWith("GenericError: no space");
            assertThat(commands(qemu)).endsWith("xen-save-devices-state");
            assertThatThrownBy(() -> capture.capture(new EpochId(1))).hasMessageContaining("without saving its device model");
        }
    }

    /**
     * QEMU logs its devices' DMA into guest memory dirty only while global dirty logging is on;
     * without it an epoch misses what the emulated disk or NIC wrote (kemari never turned it on
     * before: this test failed then).
     */
    @Test
    void whileProtectedQemuLogsItsOwnWritesDirty() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, guestHost.domid), FakeQmp.GREETING, qemuSaving())) {
            try (PlatformCapture capture = PlatformCapture.open(guestHost.hv, guestHost.domid, new DeviceModels(runDir, runDir))) {
                assertThat(qemu.requests).filteredOn(r -> r.contains("xen-set-global-dirty-log")).singleElement()
                        .satisfies(r -> assertThat(r).contains("\"enable\":true"));
                capture.quiesce(new EpochId(1));
                capture.capture(new EpochId(1));
                capture.resume();
            }
            List<String> commands = commands(qemu);
            assertThat(commands.indexOf("xen-set-global-dirty-log")).isLessThan(commands.indexOf("xen-save-devices-state"));
            assertThat(commands).endsWith("xen-set-global-dirty-log");
            assertThat(qemu.requests.get(qemu.requests.size() - 1)).contains("\"enable\":false");
        }
    }

    @Test
    void closingAfterTheDomainAndItsQemuAreGoneIsQuiet() throws Exception {
        PlatformCapture capture;
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, guestHost.domid), FakeQmp.GREETING, qemuSaving())) {
            capture = PlatformCapture.open(guestHost.hv, guestHost.domid, new DeviceModels(runDir, runDir));
        }
        Files.deleteIfExists(DeviceModel.socket(runDir, guestHost.domid));
        capture.close();
    }

    /** QEMU serves one QMP client at a time, and libxl needs the socket between epochs (xl unpause). */
    @Test
    void theSocketIsFreeForLibxlBetweenSaves() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, 5), FakeQmp.GREETING, qemuSaving())) {
            DeviceModel dm = DeviceModel.open(runDir, 5);
            saveOnce(dm, runDir.resolve("state"));
            // a client held over would leave this one without QEMU's greeting until the timeout
            try (Qmp libxl = Qmp.connect(DeviceModel.socket(runDir, 5), Duration.ofSeconds(5))) {
                assertThat(libxl.execute("query-status", java.util.Map.of())).isNotNull();
            }
            assertThat(saveOnce(dm, runDir.resolve("state"))).containsExactly(STATE);
            assertThat(qemu.requests).filteredOn(r -> r.contains("qmp_capabilities")).hasSize(3);
        }
    }

    @Test
    void aQemuRefusingTheSaveIsNotRetried() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, 5), FakeQmp.GREETING, req -> req.contains("xen-save")
                ? List.of("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no space\"}}") : List.of("{\"return\": {}}"))) {
            DeviceModel dm = DeviceModel.open(runDir, 5);
            assertThatThrownBy(() -> saveOnce(dm, runDir.resolve("state"))).hasMessageEndingWith("GenericError: no space");
            assertThat(qemu.requests).filteredOn(r -> r.contains("xen-save")).hasSize(1);
        }
    }

    @Test
    void aDomainWithoutDeviceModelSocketIsNamed() {
        assertThatThrownBy(() -> DeviceModel.open(runDir, 9)).isInstanceOf(QmpException.class)
                .hasMessage("dom 9 has no device-model QMP socket " + runDir.resolve("qmp-libxl-9")
                        + " (an HVM guest made by xl has one; is its QEMU running?)");
    }

    @Test
    void everyEpochOfAnHvmGuestWithAQemuCarriesItsDeviceState() throws Exception {
        try (SimHost host = new SimHost(); Hypervisor hv = host.open()) {
            int guest = host.createGuest(GuestSpec.memtouch("g1"));
            hv.setHvmParam(guest, 19, 1);
            try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, guest), FakeQmp.GREETING, qemuSaving());
                 PlatformCapture capture = PlatformCapture.open(hv, guest, new DeviceModels(runDir, runDir))) {
                for (long e = 1; e <= 2; e++) {
                    capture.quiesce(new EpochId(e));
                    List<OpaqueRecord> records = capture.capture(new EpochId(e));
                    capture.resume();
                    HvmPlatform p = HvmPlatform.decode(records.get(0).payload());
                    assertThat(p.deviceState()).containsExactly(STATE);
                    assertThat(p.param(19)).isEqualTo(1);
                    // the device set once per stream, in its first epoch
                    assertThat(records).extracting(OpaqueRecord::kind).containsExactlyElementsOf(e == 1
                            ? List.of(OpaqueRecord.Kind.HVM_PLATFORM, OpaqueRecord.Kind.DEVICE_SET) : List.of(OpaqueRecord.Kind.HVM_PLATFORM));
                    if (e == 1) {
                        assertThat(DeviceSet.decode(records.get(1).payload(), "epoch 1").lines())
                                .contains("pci 00:04.0 8086:100e class 0200", "block ide0-hd0 fixed 8388608").hasSize(6);
                    }
                }
                assertThat(qemu.requests).filteredOn(r -> r.contains("xen-save-devices-state")).hasSize(2);
                // taken when the stream opened, before the first save: never inside the guest's pause
                List<String> commands = commands(qemu);
                assertThat(commands.indexOf("query-block")).isLessThan(commands.indexOf("xen-save-devices-state"));
            }
        }
    }
}
