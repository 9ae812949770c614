package org.kemari.dm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The QEMU that libxl runs as an HVM domain's device model, driven over libxl's QMP socket
 * {@code <dir>/qmp-libxl-<domid>} (dir: /var/run/xen). QEMU writes the state file itself, so it
 * lives in a dom0 directory both can reach. A QMP socket serves one client at a time and libxl
 * needs this one too (`xl unpause` of an HVM guest resumes its QEMU through it; seen on the
 * testbed timing out while kemari held it): every operation here connects, runs and hangs up,
 * as libxl's own do.
 */
public final class DeviceModel {
    public static final Path XEN_RUN_DIR = Path.of("/var/run/xen");
    /** Under TCG emulation a save took 30-40 ms; a minute means QEMU is stuck (or libxl holds the socket that long). */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final int domid;
    private final Path socket;

    private DeviceModel(int domid, Path socket) {
        this.domid = domid;
        this.socket = socket;
    }

    public static Path socket(Path runDir, int domid) {
        return runDir.resolve("qmp-libxl-" + domid);
    }

    /** Dom {@code domid}'s device model; fails with the reason if it has no QMP socket. */
    public static DeviceModel open(Path runDir, int domid) {
        Path s = socket(runDir, domid);
        if (!Files.exists(s)) {
            throw new QmpException("dom " + domid + " has no device-model QMP socket " + s
                    + " (an HVM guest made by xl has one; is its QEMU running?)");
        }
        return new DeviceModel(domid, s);
    }

    /**
     * Saves the device state (not RAM: on Xen that is the guest's memory) while the domain is
     * paused. QEMU stops its devices for the save and resumes them itself. live=false: this is a
     * checkpoint, QEMU must keep its disks active and go on.
     */
    public byte[] save(Path file) {
        try {
            Files.deleteIfExists(file);
            execute("xen-save-devices-state", Map.of("filename", file.toString(), "live", false));
            byte[] state = Files.readAllBytes(file);
            Files.delete(file);
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("dom " + domid + ": device state file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes QEMU mark the guest pages its devices write (DMA of the emulated disk and NIC) dirty
     * in Xen's log-dirty bitmap; it does so only while this is on, as libxl's migration turns it
     * on. Without it an epoch misses what a device wrote into guest RAM.
     */
    public void globalDirtyLog(boolean on) {
        execute("xen-set-global-dirty-log", Map.of("enable", on));
    }

    /** The devices this QEMU emulates, which its device state belongs to (one connection, two queries). */
    public DeviceSet deviceSet() {
        try (Qmp qmp = Qmp.connect(socket, TIMEOUT)) {
            return DeviceSet.fromQmp(qmp.execute("query-pci", Map.of()), qmp.execute("query-block", Map.of()),
                    "dom " + domid + "'s device model (QMP " + socket + ")");
        }
    }

    /** Starts loading the device state from {@code uri} into a QEMU started with -incoming defer. */
    void migrateIncoming(String uri) {
        execute("migrate-incoming", Map.of("uri", uri));
    }

    /** QEMU's run state, e.g. "running", "paused", "inmigrate". */
    String status() {
        try (Qmp qmp = Qmp.connect(socket, TIMEOUT)) {
            return qmp.status();
        }
    }

    /**
     * Asks QEMU to exit (QMP quit overrides libxl's -no-shutdown; its exit hooks release its Xen
     * ioreq server). QEMU may hang up instead of answering; a QEMU that cannot be reached is an error.
     */
    void quit() {
        try (Qmp qmp = Qmp.connect(socket, TIMEOUT)) {
            try {
                qmp.execute("quit", Map.of());
            } catch (QmpException e) {
                if (!e.connectionLost()) {
                    throw e;
                }
            }
        }
    }

    private void execute(String command, Map<String, Object> args) {
        try (Qmp qmp = Qmp.connect(socket, TIMEOUT)) {
            qmp.execute(command, args);
        }
    }
}
