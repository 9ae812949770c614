package org.kemari.dm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kemari.xen.XenStore;

/**
 * Brings a replica's device model to the primary's device state the way libxl restores a
 * domain: a QEMU started with {@code -incoming} (at failover, or ahead of it with {@code
 * -incoming defer}, so that failover only loads the state). Loading into the running QEMU with QMP
 * xen-load-devices-state is not possible on Debian 12: its QEMU 7.2 aborts in that command
 * ("yank_unregister_instance: Assertion `entry' failed", measured on the testbed), because the
 * command unregisters a migration yank instance that nothing registered. So the QEMU libxl
 * started for the paused replica is asked to quit and the same command line is started again,
 * with -incoming reading the saved state; libxl's record of the device-model pid is updated so
 * that xl destroy still stops it.
 */
final class ReplicaDeviceModel {
    private static final long EXIT_WAIT_MS = 20_000;
    static final long START_WAIT_MS = 60_000;

    private final int domid;
    private final String name;
    private final Path runDir;
    private final Path logDir;
    private final XenStore xs;

    ReplicaDeviceModel(int domid, String name, Path runDir, Path logDir, XenStore xs) {
        this.domid = domid;
        this.name = name;
        this.runDir = runDir;
        this.logDir = logDir;
        this.xs = xs;
    }

    /** libxl keeps the device model's pid here and kills that pid on xl destroy. */
    private String pidPath() {
        return "/local/domain/" + domid + "/image/device-model-pid";
    }

    /** Replaces the replica's QEMU by one that loaded {@code stateFile}; returns the new pid. */
    long restart(Path stateFile) throws InterruptedException {
        Process p = replace("exec:cat " + stateFile);
        awaitStatus(p, "running");
        return p.pid();
    }

    /**
     * Done while the replica is only kept up to date, so that failover need not start a QEMU:
     * replaces libxl's QEMU by one started with {@code -incoming defer}, which sets up its
     * devices and then waits for {@link Prepared#load}. Like the QEMU a restore starts, it does
     * not populate the guest's memory (it is "inmigrate").
     */
    Prepared prepare() throws InterruptedException {
        Process p = replace("defer");
        awaitStatus(p, "inmigrate");
        return new Prepared(p);
    }

    /** A replica QEMU waiting for the device state: failover hands it over with QMP migrate-incoming. */
    final class Prepared {
        private final Process qemu;

        private Prepared(Process qemu) {
            this.qemu = qemu;
        }

        long pid() {
            return qemu.pid();
        }

        boolean alive() {
            return qemu.isAlive();
        }

        /** Loads {@code stateFile}; returns once the devices run (the domain stays paused in Xen). */
        void load(Path stateFile) throws InterruptedException {
            DeviceModel.open(runDir, domid).migrateIncoming("exec:cat " + stateFile);
            awaitStatus(qemu, "running");
        }
    }

    /** Quits libxl's QEMU and starts its command line again with {@code -incoming <incoming>}. */
    private Process replace(String incoming) throws InterruptedException {
        long oldPid = Long.parseLong(xs.read(pidPath()).orElseThrow(() -> new IllegalStateException(
                "replica dom " + domid + ": xenstore has no " + pidPath() + ": its device model was not started by libxl")).strip());
        List<String> argv = commandLine(oldPid);
        DeviceModel.open(runDir, domid).quit();
        awaitExit(oldPid);
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // its own session: a signal to kemari's process group must not stop the guest's QEMU
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(argv);
        cmd.add("-incoming");
        cmd.add(incoming);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("replica dom " + domid + ": cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        // setsid execs QEMU in place (it forks only when it already leads a process group, which
        // a child of the JVM does not), so this is QEMU's pid
        xs.write(pidPath(), Long.toString(p.pid()));
        return p;
    }

    private Path log() {
        return logDir.resolve("qemu-dm-" + name + ".log");
    }

    private List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            List<String> argv = new ArrayList<>(Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")));
            if (argv.isEmpty() || argv.contains("-incoming")) {
                throw new IllegalStateException("replica dom " + domid + ": device model pid " + pid + " has command line " + argv
                        + ": not the QEMU libxl starts for a new domain");
            }
            return argv;
        } catch (IOException e) {
            throw new UncheckedIOException("replica dom " + domid + ": cannot read the command line of its device model (pid "
                    + pid + "): " + e.getMessage(), e);
        }
    }

    private void awaitExit(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + EXIT_WAIT_MS * 1_000_000;
        while (running(pid)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("replica dom " + domid + ": its device model (pid " + pid + ") did not quit within "
                        + EXIT_WAIT_MS / 1000 + " s");
            }
            Thread.sleep(50);
        }
    }

    /** A process that exited but was not reaped yet (a zombie) has quit as far as the guest is concerned. */
    private static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the state letter follows the command name, which is in parentheses and may hold spaces
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | IndexOutOfBoundsException e) {
            return false;
        }
    }

    /**
     * Waits for the new QEMU's run state: "inmigrate" while it waits for or loads the device
     * state, "running" once its devices run; the domain itself stays paused in Xen until the
     * caller unpauses it.
     */
    private void awaitStatus(Process p, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + START_WAIT_MS * 1_000_000;
        String last = "no QMP socket yet";
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                throw new IllegalStateException("replica dom " + domid + ": the device model exited (status " + p.exitValue()
                        + ") before it was " + wanted + "; see " + log());
            }
            if (Files.exists(DeviceModel.socket(runDir, domid))) {
                try {
                    last = DeviceModel.open(runDir, domid).status();
                    if (wanted.equals(last)) {
                        return;
                    }
                } catch (QmpException e) {
                    last = e.getMessage();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("replica dom " + domid + ": the device model was not " + wanted + " within "
                + START_WAIT_MS / 1000 + " s (last: " + last + "); see " + log());
    }
}
