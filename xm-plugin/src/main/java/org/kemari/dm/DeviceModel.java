package org.kemari.dm;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The QEMU that libxl runs as an HVM domain's device model, driven over libxl's QMP socket
 * {@code <dir>/qmp-libxl-<domid>} (dir: /var/run/xen). QEMU writes the state file itself, so it
 * lives in a dom0 directory both can reach.
 */
public final class DeviceModel implements AutoCloseable {
    public static final Path XEN_RUN_DIR = Path.of("/var/run/xen");
    /** Under TCG emulation a save took 30-40 ms; a minute means QEMU is stuck. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final int domid;
    private final Path socket;
    private Qmp qmp;

    private DeviceModel(int domid, Path socket, Qmp qmp) {
        this.domid = domid;
        this.socket = socket;
        this.qmp = qmp;
    }

    public static Path socket(Path runDir, int domid) {
        return runDir.resolve("qmp-libxl-" + domid);
    }

    /** Connects to dom {@code domid}'s device model; fails with the reason if it has none there. */
    public static DeviceModel open(Path runDir, int domid) {
        Path s = socket(runDir, domid);
        if (!Files.exists(s)) {
            throw new QmpException("dom " + domid + " has no device-model QMP socket " + s
                    + " (an HVM guest made by xl has one; is its QEMU running?)");
        }
        return new DeviceModel(domid, s, Qmp.connect(s, TIMEOUT));
    }

    /**
     * Saves the device state (not RAM: on Xen that is the guest's memory) while the domain is
     * paused. QEMU stops its devices for the save and resumes them itself. live=false: this is a
     * checkpoint, QEMU must keep its disks active and go on.
     */
    public byte[] save(Path file, PrintStream log) {
        try {
            Files.deleteIfExists(file);
            Map<String, Object> args = Map.of("filename", file.toString(), "live", false);
            try {
                qmp.execute("xen-save-devices-state", args);
            } catch (QmpException e) {
                if (!e.connectionLost()) {
                    throw e;
                }
                // seen on the testbed: QEMU dropped the connection kemari had held idle through
                // the initial sync; one new connection, and a second loss is an error
                log.println("kemari: dom " + domid + ": " + e.getMessage() + "; reconnecting to its device model");
                qmp.close();
                qmp = Qmp.connect(socket, TIMEOUT);
                qmp.execute("xen-save-devices-state", args);
            }
            byte[] state = Files.readAllBytes(file);
            Files.delete(file);
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("dom " + domid + ": device state file " + file + ": " + e.getMessage(), e);
        }
    }

    /** QEMU's run state, e.g. "running", "paused", "inmigrate". */
    String status() {
        return qmp.status();
    }

    /** Asks QEMU to exit (QMP quit overrides libxl's -no-shutdown; its exit hooks release its Xen ioreq server). */
    void quit() {
        qmp.execute("quit", Map.of());
    }

    @Override
    public void close() {
        qmp.close();
    }
}
