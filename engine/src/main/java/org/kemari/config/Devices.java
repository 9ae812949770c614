package org.kemari.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest devices kemari serves. Null in a config that has none.
 *
 * <p>Two kinds of guest. A guest on kemari's own dom0 backends (the simulator's io guest) has
 * its disk on storage both hosts share, so its writes are output, held like frames. An HVM guest
 * without PV drivers has a disk QEMU emulates: kemari serves it to QEMU over NBD on {@code nbd},
 * and each host keeps its own image, so its writes are state carried in the epoch
 * (docs/nbd.md); its emulated NIC, if kemari serves it, is QEMU's stream netdev on
 * {@code netdev}, whose frames are held like a PV guest's (docs/net-connector.md).
 *
 * @param disk   the raw disk image: shared by both hosts, or with {@code nbd} this host's own
 * @param net    where the guest's transmitted packets go: a TCP endpoint, frames length-prefixed;
 *               null with {@code nbd} and no {@code netdev}
 * @param nbd    the Unix socket the guest's QEMU reaches its disk on, or null
 * @param netdev the Unix socket QEMU's stream netdev listens on for kemari, or null
 */
public record Devices(Path disk, Endpoint net, Path nbd, Path netdev) {
    public Devices(Path disk, Endpoint net) {
        this(disk, net, null, null);
    }

    /** The QEMU id of the NIC's stream netdev that the printed device_model_args_hvm line creates. */
    public static final String NETDEV_ID = "kemari-net0";

    /** Seconds QEMU keeps a request waiting for the NBD server to come back (a restarted daemon) before failing it. */
    public static final int NBD_RECONNECT_SECONDS = 10;

    /** Whether each host keeps its own image of the disk, served to QEMU over NBD. */
    public boolean emulated() {
        return nbd != null;
    }

    /**
     * What the xl configs of the guest and of its replica add to QEMU's command line
     * ({@code device_model_args_hvm}) so that its emulated IDE disk (and e1000) are the ones kemari serves;
     * empty without an emulated disk. The same on both hosts: each serves its own image on this
     * socket path.
     */
    public List<String> deviceModelArgs() {
        if (nbd == null) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("-drive", "driver=raw,file.driver=nbd,file.server.type=unix,file.server.path="
                + nbd + ",file.reconnect-delay=" + NBD_RECONNECT_SECONDS + ",if=ide"));
        if (netdev != null) {
            // QEMU listens: its 7.2 stream netdev cannot reconnect as a client. No option ROM: with
            // the NIC's iPXE ROM the guest's firmware tried a network boot and never booted its kernel
            args.addAll(List.of("-netdev", "stream,id=" + NETDEV_ID + ",server=on,addr.type=unix,addr.path=" + netdev,
                    "-device", "e1000,netdev=" + NETDEV_ID + ",romfile="));
        }
        return List.copyOf(args);
    }
}
