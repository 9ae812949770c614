/**
 * The "sim" backend: an embedded model of a Xen 4.17 host, faithful enough that code written
 * against {@link org.kemari.xen.Hypervisor} (and the hypervisor TCK) cannot tell it from the
 * real one: nested controller pauses that return only once no vcpu is mid-step, a log-dirty
 * bitmap every guest write feeds, foreign mappings with per-frame errors, HVM and vcpu
 * contexts in Xen's binary layouts, event channels with Xen's masking, v1 grant tables kept
 * outside guest RAM, and a xenstore with watches. Errors carry the libxenctrl function names
 * and the errnos Xen gives (e.g. EOPNOTSUPP for log-dirty on a PV guest, EINVAL for unpausing
 * a running domain, ESRCH for a domain that does not exist).
 *
 * <p>Guests run real (if tiny) programs: each vcpu is a thread ({@code <host>-d<domid>-vcpu<n>})
 * executing a {@link org.kemari.xen.sim.GuestProgram} whose whole state is guest memory plus
 * registers ({@link org.kemari.xen.sim.GuestCpu}); the program is chosen by the vcpu's rip.
 * Copy a paused guest's memory and context into a blank domain of the same shape and the copy
 * continues exactly where the original was — what replication must achieve and what the TCK
 * checks.
 *
 * <p>Starting a workload guest and watching it:
 * <pre>{@code
 * SimHost host = new SimHost();                   // or SimHost.defaultHost(), which --backend sim opens
 * Hypervisor hv = host.open();
 * int domid = host.createGuest(GuestSpec.memtouch("guest1")   // HVM, 64 MiB, 1 vcpu, 1024 pages, 1000 steps/s
 *         .withMemoryMiB(256).withVcpus(2).withWorkingSetPages(4096).withStepsPerSecond(2000));
 * long steps = host.progress(domid, 0);           // vcpu 0's progress counter
 * // the same counter through dom0's API: little-endian u64 in page GuestInfoPage.PFN (0)
 * // at offset GuestInfoPage.progressOffset(vcpu) (64 + 8 * vcpu)
 * hv.pause(domid);
 * host.runSteps(domid, 100);                      // exactly 100 more steps per vcpu, stays paused
 * int replica = hv.createDomain(DomainConfig.like(hv.domain(domid), "guest1-replica")); // blank, paused
 * }</pre>
 * Each memtouch step rewrites one word of one page in the vcpu's slice of the working set
 * (pfns 1 .. workingSetPages) and increments its counter in memory, so page 0 and the touched
 * working-set pages are what the dirty log reports.
 *
 * <p>For guests with devices: register a program with {@link
 * org.kemari.xen.sim.GuestProgram#register}; its {@code step} gets a {@link
 * org.kemari.xen.sim.SimGuest}, the guest kernel's side (event channels, grants, xenstore),
 * which tests can also obtain with {@link org.kemari.xen.sim.SimHost#guest}.
 *
 * <p>Deliberate limits: dom0's own memory is not modelled (domain operations on dom0 fail with
 * EINVAL, as Xen refuses most of them on the calling domain); xenstore has no permissions;
 * an HVM context holds only the HEADER, CPU and END records; foreign writes are not logged
 * dirty (Xen does not log them either — QEMU reports its DMA writes with
 * xen_modified_memory), writable grant mappings are logged when unmapped; buffers handed out
 * by a mapping cannot be revoked when it is closed, only further {@code page()} calls fail.
 */
package org.kemari.xen.sim;
