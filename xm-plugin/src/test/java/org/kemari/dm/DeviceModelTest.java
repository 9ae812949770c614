package org.kemari.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;
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

    @Test
    void saveAsksForACheckpointNotALiveMigrationAndReturnsTheFilesBytes() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, 5), FakeQmp.GREETING, qemuSaving());
             DeviceModel dm = DeviceModel.open(runDir, 5)) {
            Path file = runDir.resolve("state");
            assertThat(dm.save(file, quiet())).containsExactly(STATE);
            assertThat(file).doesNotExist();
            assertThat(qemu.requests.get(1)).contains("\"execute\":\"xen-save-devices-state\"").contains("\"live\":false");
        }
    }

    @Test
    void aConnectionQemuDroppedIsReopenedOnceAndSaid() throws Exception {
        AtomicInteger saves = new AtomicInteger();
        Function<String, List<String>> saving = qemuSaving();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, 5), FakeQmp.GREETING,
                req -> req.contains("xen-save-devices-state") && saves.getAndIncrement() == 0 ? null : saving.apply(req));
             DeviceModel dm = DeviceModel.open(runDir, 5)) {
            assertThat(dm.save(runDir.resolve("state"), new PrintStream(log, true, StandardCharsets.UTF_8))).containsExactly(STATE);
            assertThat(saves).hasValue(2);
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("QEMU closed the connection; reconnecting to its device model");
        }
    }

    @Test
    void aQemuRefusingTheSaveIsNotRetried() throws Exception {
        try (FakeQmp qemu = new FakeQmp(DeviceModel.socket(runDir, 5), FakeQmp.GREETING, req -> req.contains("xen-save")
                ? List.of("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no space\"}}") : List.of("{\"return\": {}}"));
             DeviceModel dm = DeviceModel.open(runDir, 5)) {
            assertThatThrownBy(() -> dm.save(runDir.resolve("state"), quiet())).hasMessageEndingWith("GenericError: no space");
            assertThat(qemu.requests).filteredOn(r -> r.contains("xen-save")).hasSize(1);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
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
                 PlatformCapture capture = PlatformCapture.open(hv, guest, new DeviceModels(runDir, runDir), quiet())) {
                for (long e = 1; e <= 2; e++) {
                    List<OpaqueRecord> records = capture.capture(new EpochId(e));
                    HvmPlatform p = HvmPlatform.decode(records.get(0).payload());
                    assertThat(p.deviceState()).containsExactly(STATE);
                    assertThat(p.param(19)).isEqualTo(1);
                }
                assertThat(qemu.requests).filteredOn(r -> r.contains("xen-save-devices-state")).hasSize(2);
            }
        }
    }
}
