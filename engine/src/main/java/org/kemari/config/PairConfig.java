package org.kemari.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A protected pair, fully typed. Built from a YAML file ({@link PairConfigLoader}) or from
 * command-line options; both front ends call {@link #violations()} so the rules live once.
 *
 * @param name    the pair's name: systemd instance, state-file and lease names derive from it
 * @param domain  the guest, by name or domid
 * @param witness null only when {@code unsafe}
 * @param unsafe  xl remus -F: allow configurations that cannot guarantee a correct failover
 * @param devices the devices kemari's own backends serve, or null
 * @param replica how the secondary builds the replica with xl (backend xen), or null
 */
public record PairConfig(String name, String domain, Endpoint primary, Endpoint secondary, Backend backend,
                         SyncPolicy sync, Heartbeat heartbeat, Witness witness, Set<TapDevice> tap,
                         Compression compression, Security security, boolean unsafe, Devices devices,
                         ReplicaDomain replica) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Duration MIN_INTERVAL = Duration.ofMillis(1);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(60);
    private static final Duration MIN_HEARTBEAT = Duration.ofMillis(10);
    private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(10);
    private static final int MAX_IN_FLIGHT = 64;

    public PairConfig {
        tap = Set.copyOf(tap.isEmpty() ? EnumSet.noneOf(TapDevice.class) : EnumSet.copyOf(tap));
    }

    public static final Set<TapDevice> ALL_DEVICES = Set.of(TapDevice.BLOCK, TapDevice.NET);

    /** The same pair seen from the other host: after a failover the old secondary protects back. */
    public PairConfig reversed() {
        return new PairConfig(name, domain, secondary, primary, backend, sync, heartbeat, witness, tap, compression,
                security, unsafe, devices, replica);
    }

    /** The replica's domain name on the secondary: replica.name, else {@code <pair>-replica}. */
    public String replicaName() {
        return replica != null && replica.name() != null ? replica.name() : name + "-replica";
    }

    /** Every rule this pairing breaks, in config-file order; empty when it is usable. */
    public List<Violation> violations() {
        List<Violation> v = new ArrayList<>();
        if (!NAME.matcher(name).matches()) {
            v.add(new Violation("pair", "pair name '" + name
                    + "' must be 1-64 letters, digits, '.', '_' or '-' (it names files and systemd units)"));
        }
        if (domain.isBlank()) {
            v.add(new Violation("domain", "domain is empty (expected a domain name or domid)"));
        }
        if (primary.equals(secondary)) {
            v.add(new Violation("secondary", "secondary " + secondary + " is the same endpoint as primary"));
        }
        within(v, "sync.interval", sync.interval(), MIN_INTERVAL, MAX_INTERVAL);
        within(v, "sync.max-epoch-interval", sync.maxEpochInterval(), MIN_INTERVAL, Duration.ofMinutes(10));
        if (sync.maxEpochInterval().compareTo(sync.interval()) < 0) {
            v.add(new Violation("sync.max-epoch-interval", "max-epoch-interval "
                    + Durations.format(sync.maxEpochInterval()) + " is shorter than interval "
                    + Durations.format(sync.interval())));
        }
        if (sync.maxInFlight() < 1 || sync.maxInFlight() > MAX_IN_FLIGHT) {
            v.add(new Violation("sync.max-in-flight", "max-in-flight " + sync.maxInFlight()
                    + " is out of range (expected 1-" + MAX_IN_FLIGHT + ")"));
        }
        within(v, "heartbeat.interval", heartbeat.interval(), MIN_HEARTBEAT, MAX_HEARTBEAT);
        // One late heartbeat must not look like a dead primary, or a busy network fails over.
        if (heartbeat.timeout().compareTo(heartbeat.interval().multipliedBy(2)) < 0) {
            v.add(new Violation("heartbeat.timeout", "timeout " + Durations.format(heartbeat.timeout())
                    + " must be at least twice the heartbeat interval " + Durations.format(heartbeat.interval())));
        }
        checkWitness(v);
        if (replica != null && replica.name() != null && !NAME.matcher(replica.name()).matches()) {
            v.add(new Violation("replica.name", "replica name '" + replica.name()
                    + "' must be 1-64 letters, digits, '.', '_' or '-' (xl domain names of this form are unambiguous)"));
        }
        if (replica != null && replica.name() != null && replica.name().equals(domain)) {
            v.add(new Violation("replica.name", "replica name '" + replica.name() + "' is the guest's own name;"
                    + " on one host (or after a failover) the two would be confused"));
        }
        checkEmulatedDevices(v);
        if (tap.isEmpty() && !unsafe) {
            v.add(new Violation("tap", "tapping no devices lets output escape before it is replicated;"
                    + " set unsafe: true (or -F) to allow it"));
        }
        for (Map.Entry<String, Path> f : security.files().entrySet()) {
            if (!Files.isRegularFile(f.getValue())) {
                v.add(new Violation(f.getKey(), "missing " + f.getKey().substring(f.getKey().lastIndexOf('.') + 1)
                        + " file " + f.getValue() + " (" + f.getKey() + ")"));
            } else if (!Files.isReadable(f.getValue())) {
                v.add(new Violation(f.getKey(), "cannot read " + f.getValue() + " (" + f.getKey() + ")"));
            }
        }
        return v;
    }

    /** An emulated disk has no output to hold: its writes are state. Only frames are. */
    private void checkEmulatedDevices(List<Violation> v) {
        if (devices == null) {
            return;
        }
        if (devices.netdev() != null && !devices.emulated()) {
            v.add(new Violation("devices.netdev", "devices.netdev is QEMU's emulated NIC, served with the emulated disk:"
                    + " it needs devices.nbd"));
        }
        if (!devices.emulated()) {
            return;
        }
        if (!devices.nbd().isAbsolute()) {
            v.add(new Violation("devices.nbd", "NBD socket " + devices.nbd() + " must be an absolute path, as the guest's"
                    + " QEMU names it (file.server.path)"));
        }
        if (devices.netdev() != null && !devices.netdev().isAbsolute()) {
            v.add(new Violation("devices.netdev", "net socket " + devices.netdev() + " must be an absolute path, as the guest's"
                    + " QEMU names it (addr.path)"));
        }
        if (devices.net() != null && devices.netdev() == null) {
            v.add(new Violation("devices.net", "devices.net with devices.nbd needs devices.netdev: the socket of QEMU's"
                    + " emulated NIC whose frames go there"));
        }
        if (tap.contains(TapDevice.BLOCK)) {
            v.add(new Violation("tap", "tap lists block, which holds writes to a disk both hosts share; with devices.nbd"
                    + " each host keeps its own image and a write is state its epoch carries, never held: drop block from tap"));
        }
        if (tap.contains(TapDevice.NET) && devices.net() == null) {
            v.add(new Violation("tap", "tap lists net, but devices has no net: kemari serves no NIC of this guest and"
                    + " can hold none of its frames; give devices.netdev and devices.net, or with an emulated disk alone"
                    + " set tap: [] and unsafe: true"));
        }
    }

    private void checkWitness(List<Violation> v) {
        if (witness == null) {
            if (!unsafe) {
                v.add(new Violation("witness", "no witness lease: without one a network partition can leave"
                        + " the guest running on both hosts; configure witness.lease-file or set unsafe: true (-F)"));
            }
            return;
        }
        if (!witness.leaseFile().isAbsolute()) {
            v.add(new Violation("witness.lease-file", "lease file " + witness.leaseFile()
                    + " must be an absolute path on storage both hosts share"));
        }
        // The primary renews once per heartbeat; a lease shorter than two renewals expires on one hiccup.
        if (witness.leaseDuration().compareTo(heartbeat.interval().multipliedBy(2)) < 0) {
            v.add(new Violation("witness.lease-duration", "lease-duration "
                    + Durations.format(witness.leaseDuration()) + " must be at least twice the heartbeat interval "
                    + Durations.format(heartbeat.interval())));
        }
    }

    private static void within(List<Violation> v, String key, Duration d, Duration min, Duration max) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            v.add(new Violation(key, key.substring(key.lastIndexOf('.') + 1) + " " + Durations.format(d)
                    + " is out of range (expected " + Durations.format(min) + " to " + Durations.format(max) + ")"));
        }
    }
}
