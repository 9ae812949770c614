package org.kemari.config;

import java.nio.file.Path;

/**
 * The guest devices kemari's own dom0 backends serve (the simulator's guests; on Xen, devices
 * served by kemari rather than the kernel's blkback/netback). Null in a config that has none.
 *
 * @param disk the raw disk image on storage both hosts share
 * @param net  where the guest's transmitted packets go: a TCP endpoint, frames length-prefixed
 */
public record Devices(Path disk, Endpoint net) {
}
