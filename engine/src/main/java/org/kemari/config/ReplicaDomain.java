package org.kemari.config;

import java.nio.file.Path;

/**
 * How the secondary gets its replica domain on real Xen: `xl create -p` of an xl config of the
 * guest's shape. Building a runnable domain (memory map, HVM params, xenstore, device model) is
 * the toolstack's job, so kemari asks xl rather than redoing it. Null in a config without a
 * {@code replica:} section, which only the simulator accepts.
 *
 * @param xlConfig the guest's xl config as the secondary should build it (same type, memory and
 *                 vcpus as the primary; without disks or vifs the primary's backends hold)
 * @param name     the replica's domain name, or null for {@code <pair>-replica}
 */
public record ReplicaDomain(Path xlConfig, String name) {
}
