/**
 * The "sim" backend: an embedded model of a Xen 4.17 host, faithful enough that code written
 * against {@link org.kemari.xen.Hypervisor} (and the hypervisor TCK) cannot tell it from the
 * real one: nested controller pauses that return only once vcpus are stopped, a log-dirty
 * bitmap every guest write feeds, foreign mappings with per-frame errors, HVM and vcpu
 * contexts in Xen's binary layouts, event channels with Xen's masking, v1 grant tables kept
 * outside guest RAM, and a xenstore with watches. Errors carry the libxenctrl function names
 * and the errnos Xen gives (e.g. EOPNOTSUPP for log-dirty on a PV guest).
 *
 * <p>Guests run real (if tiny) programs: each vcpu is a thread executing a {@link
 * org.kemari.xen.sim.GuestProgram} whose whole state is guest memory plus registers
 * ({@link org.kemari.xen.sim.GuestCpu}). Copy a paused guest's memory and context into a blank
 * domain of the same shape and the copy continues exactly where the original was — which is
 * what replication must achieve and what the tests check.
 *
 * <p>Starting a workload guest:
 * <pre>{@code
 * SimHost host = new SimHost();                   // or SimHost.defaultHost(), as --backend sim uses
 * Hypervisor hv = host.open();
 * int domid = host.createGuest(GuestSpec.memtouch("guest1")
 *         .withMemoryMiB(256).withVcpus(2).withWorkingSetPages(4096).withStepsPerSecond(2000));
 * // running now: each step rewrites a word in one working-set page and bumps a counter
 * long steps = host.progress(domid, 0);           // or map pfn GuestInfoPage.PFN and read the
 *                                                 // little-endian u64 at GuestInfoPage.progressOffset(0)
 * int replica = hv.createDomain(DomainConfig.like(hv.domain(domid), "guest1-replica")); // blank, paused
 * }</pre>
 *
 * <p>Deliberate limits: dom0's own memory is not modelled (domain operations on dom0 fail with
 * EINVAL, as Xen refuses most of them on the calling domain); xenstore has no permissions;
 * foreign writes are not logged dirty (Xen does not log them either — QEMU reports its DMA
 * writes with xen_modified_memory), writable grant mappings are logged on unmap.
 */
package org.kemari.xen.sim;
