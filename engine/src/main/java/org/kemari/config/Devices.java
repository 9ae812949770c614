package org.kemari.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The guest devices kemari serves. Null in a config that has none.
 *
 * <p>Two kinds of guest. A guest on kemari's own dom0 backends (the simulator's io guest) has
 * its disk on storage both hosts share, so its writes are output, held like frames. An HVM guest
 * without PV drivers has a disk QEMU emulates: kemari serves it to QEMU over NBD on {@code nbd},
 * and each host keeps its own image, so its writes are state carried in the epoch
 * (docs/nbd.md).
 *
 * @param disk the raw disk image: shared by both hosts, or with {@code nbd} this host's own
 * @param net  where the guest's transmitted packets go: a TCP endpoint, frames length-prefixed;
 *             may be null with {@code nbd} (no NIC served)
 * @param nbd  the Unix socket the guest's QEMU reaches its disk on, or null
 */
public record Devices(Path disk, Endpoint net, Path nbd) {
    public Devices(Path disk, Endpoint net) {
        this(disk, net, null);
    }

    /** Seconds QEMU keeps a request waiting for the NBD server to come back (a restarted daemon) before failing it. */
    public static final int NBD_RECONNECT_SECONDS = 10;

    /** Whether each host keeps its own image of the disk, served to QEMU over NBD. */
    public boolean emulated() {
        return nbd != null;
    }

    /**
     * What the xl configs of the guest and of its replica add to QEMU's command line
     * ({@code device_model_args_hvm}) so that its emulated IDE disk is the one kemari serves;
     * empty without an emulated disk. The same on both hosts: each serves its own image on this
     * socket path.
     */
    public List<String> deviceModelArgs() {
        if (nbd == null) {
            return List.of();
        }
        return List.of("-drive", "driver=raw,file.driver=nbd,file.server.type=unix,file.server.path=" + nbd
                + ",file.reconnect-delay=" + NBD_RECONNECT_SECONDS + ",if=ide");
    }
}
