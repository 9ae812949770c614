package org.kemari.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenStore;
import org.kemari.xen.sim.SimHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart of a replica's device model with -incoming, against a stand-in QEMU process
 * ({@link FakeQemuMain}) whose pid sits where libxl keeps it.
 */
@Timeout(60)
class ReplicaDeviceModelTest {
    private static final int DOMID = 7;
    private static final String PID_PATH = "/local/domain/7/image/device-model-pid";

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void quitsTheOldQemuStartsItsCommandLineAgainWithTheStateAndRecordsTheNewPid() throws Exception {
        Path socket = DeviceModel.socket(dir, DOMID);
        Process old = new ProcessBuilder(fakeQemu(socket)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("old.log").toFile()).start();
        Long newPid = null;
        try (SimHost host = new SimHost(); Hypervisor hv = host.open(); XenStore xs = hv.openXenStore()) {
            awaitServing(dir.resolve("old.log"), old);
            xs.write(PID_PATH, Long.toString(old.pid()));
            Path state = dir.resolve("state");
            Files.write(state, new byte[] {'Q', 'E', 'V', 'M', 1});

            try {
                newPid = new ReplicaDeviceModel(DOMID, "g1-replica", dir, dir, xs).restart(state);
            } catch (RuntimeException e) {
                // what the stand-in saw (it logs every QMP request) says which side stalled
                throw new AssertionError(e.getMessage() + "; stand-in QEMU's log: " + Files.readString(dir.resolve("old.log")), e);
            }

            assertThat(old.waitFor(10, TimeUnit.SECONDS)).as("the old QEMU quit").isTrue();
            assertThat(newPid).isNotEqualTo(old.pid());
            assertThat(xs.read(PID_PATH)).contains(Long.toString(newPid));
            assertThat(Path.of(socket + ".loaded")).hasBinaryContent(new byte[] {'Q', 'E', 'V', 'M', 1});
            assertThat(ProcessHandle.of(newPid).orElseThrow().info().arguments().orElseThrow())
                    .endsWith("-incoming", "exec:cat " + state);
            assertThat(dir.resolve("qemu-dm-g1-replica.log")).exists();
        } finally {
            old.destroyForcibly();
            if (newPid != null) {
                ProcessHandle.of(newPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * Ahead of failover: libxl's QEMU is replaced by one waiting with -incoming defer; failover
     * then only hands it the state file (migrate-incoming) and waits for it to run.
     */
    @Test
    void aQemuPreparedAheadWaitsInmigrateThenLoadsTheStateItIsHanded() throws Exception {
        Path socket = DeviceModel.socket(dir, DOMID);
        Process old = new ProcessBuilder(fakeQemu(socket)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("old.log").toFile()).start();
        ReplicaDeviceModel.Prepared ready = null;
        try (SimHost host = new SimHost(); Hypervisor hv = host.open(); XenStore xs = hv.openXenStore()) {
            awaitServing(dir.resolve("old.log"), old);
            xs.write(PID_PATH, Long.toString(old.pid()));

            ready = new ReplicaDeviceModel(DOMID, "g1-replica", dir, dir, xs).prepare();

            assertThat(old.waitFor(10, TimeUnit.SECONDS)).as("libxl's QEMU quit").isTrue();
            assertThat(xs.read(PID_PATH)).contains(Long.toString(ready.pid()));
            assertThat(ProcessHandle.of(ready.pid()).orElseThrow().info().arguments().orElseThrow()).endsWith("-incoming", "defer");
            assertThat(DeviceModel.open(dir, DOMID).status()).isEqualTo("inmigrate");
            assertThat(Path.of(socket + ".loaded")).doesNotExist();

            Path state = dir.resolve("state");
            Files.write(state, new byte[] {'Q', 'E', 'V', 'M', 2});
            ready.load(state);

            assertThat(Path.of(socket + ".loaded")).hasBinaryContent(new byte[] {'Q', 'E', 'V', 'M', 2});
            assertThat(DeviceModel.open(dir, DOMID).status()).isEqualTo("running");
            assertThat(ready.alive()).isTrue();
        } finally {
            old.destroyForcibly();
            if (ready != null) {
                ProcessHandle.of(ready.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void aReplicaWhoseDeviceModelLibxlDidNotRecordIsRefused() {
        try (SimHost host = new SimHost(); Hypervisor hv = host.open(); XenStore xs = hv.openXenStore()) {
            assertThatThrownBy(() -> new ReplicaDeviceModel(DOMID, "g1-replica", dir, dir, xs).restart(dir.resolve("state")))
                    .hasMessage("replica dom 7: xenstore has no " + PID_PATH + ": its device model was not started by libxl");
        }
    }

    private static List<String> fakeQemu(Path socket) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                FakeQemuMain.class.getName(), socket.toString());
    }

    /**
     * Until the stand-in says it serves: its socket file appears at bind(2), before listen(2),
     * and a connect in between is refused (seen under load, when this waited for the file alone).
     */
    private static void awaitServing(Path log, Process p) throws Exception {
        for (int i = 0; i < 400 && !(Files.exists(log) && Files.readString(log).contains("serving")); i++) {
            assertThat(p.isAlive()).as("fake QEMU running").isTrue();
            Thread.sleep(25);
        }
        assertThat(log).content().contains("serving");
    }
}
