package org.kemari.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class QmpTest {
    private static final String OK = "{\"return\": {}}";

    @TempDir
    Path dir;

    @Test
    void negotiatesCapabilitiesThenReturnsTheCommandsResultSkippingEvents() throws Exception {
        try (FakeQmp qemu = new FakeQmp(dir.resolve("qmp"), FakeQmp.GREETING, req -> req.contains("query-status")
                ? List.of("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}",
                        "{\"return\": {\"status\": \"paused\", \"singlestep\": false, \"running\": false}}")
                : List.of(OK));
             Qmp qmp = Qmp.connect(qemu.socket, Duration.ofSeconds(5))) {
            assertThat(qmp.status()).isEqualTo("paused");
            assertThat(qemu.requests).containsExactly("{\"execute\":\"qmp_capabilities\"}", "{\"execute\":\"query-status\"}");
        }
    }

    @Test
    void sendsArgumentsAsJsonWithStringsEscaped() throws Exception {
        try (FakeQmp qemu = new FakeQmp(dir.resolve("qmp"), FakeQmp.GREETING, req -> List.of(OK));
             Qmp qmp = Qmp.connect(qemu.socket, Duration.ofSeconds(5))) {
            qmp.execute("xen-save-devices-state", new java.util.TreeMap<>(Map.of("filename", "/tmp/a \"b\"\\c", "live", false)));
            assertThat(qemu.requests.get(1))
                    .isEqualTo("{\"execute\":\"xen-save-devices-state\",\"arguments\":{\"filename\":\"/tmp/a \\\"b\\\"\\\\c\",\"live\":false}}");
        }
    }

    @Test
    void aQmpErrorNamesTheCommandAndQemusReason() throws Exception {
        try (FakeQmp qemu = new FakeQmp(dir.resolve("qmp"), FakeQmp.GREETING, req -> req.contains("load")
                ? List.of("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Cannot update device state while vm is running\"}}")
                : List.of(OK));
             Qmp qmp = Qmp.connect(qemu.socket, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> qmp.execute("xen-load-devices-state", Map.of("filename", "/x")))
                    .isInstanceOf(QmpException.class)
                    .hasMessageContaining("xen-load-devices-state failed: GenericError: Cannot update device state while vm is running")
                    .hasMessageContaining(qemu.socket.toString());
        }
    }

    @Test
    void aSilentQemuTimesOutInsteadOfHangingTheEpoch() throws Exception {
        try (FakeQmp qemu = new FakeQmp(dir.resolve("qmp"), FakeQmp.GREETING, req -> req.contains("stop") ? List.of() : List.of(OK));
             Qmp qmp = Qmp.connect(qemu.socket, Duration.ofMillis(300))) {
            long t = System.nanoTime();
            assertThatThrownBy(() -> qmp.execute("stop", Map.of())).isInstanceOf(QmpException.class)
                    .hasMessageContaining("no reply from QEMU within 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void qemuHangingUpIsReported() throws Exception {
        try (FakeQmp qemu = new FakeQmp(dir.resolve("qmp"), FakeQmp.GREETING, req -> req.contains("quit") ? null : List.of(OK));
             Qmp qmp = Qmp.connect(qemu.socket, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> qmp.execute("quit", Map.of())).isInstanceOf(QmpException.class)
                    .hasMessageContaining("QEMU closed the connection");
        }
    }

    @Test
    void somethingOtherThanQmpIsRefusedAtConnect() throws Exception {
        try (FakeQmp notQemu = new FakeQmp(dir.resolve("qmp"), "{\"hello\": 1}", req -> List.of(OK))) {
            assertThatThrownBy(() -> Qmp.connect(notQemu.socket, Duration.ofSeconds(5))).isInstanceOf(QmpException.class)
                    .hasMessageContaining("expected the QMP greeting");
        }
        try (FakeQmp garbage = new FakeQmp(dir.resolve("qmp2"), "{\"QMP\": [unclosed", req -> List.of(OK))) {
            assertThatThrownBy(() -> Qmp.connect(garbage.socket, Duration.ofSeconds(5))).isInstanceOf(QmpException.class)
                    .hasMessageContaining("unreadable message");
        }
    }

    @Test
    void aMissingSocketIsAOneLineConnectError() {
        Path none = dir.resolve("qmp-libxl-7");
        assertThatThrownBy(() -> Qmp.connect(none, Duration.ofSeconds(1))).isInstanceOf(QmpException.class)
                .hasMessageStartingWith("QMP " + none + ": cannot connect");
    }
}
