/**
 * A simulated protected guest doing real I/O through Xen rings, and dom0's device wiring around
 * it: what the primary/secondary/failover demo runs and the external checker judges.
 *
 * <pre>{@code
 * IoGuest.install();                                             // once per JVM (daemons at startup)
 * int domid = GuestDevices.boot(simHost, IoGuestConfig.demo("demo"));   // primary: guest runs
 * DeviceBackends devices = DeviceBackends.connect(hv, domid, sharedImage,
 *         new TcpPacketLink(checkerAddress), gates);             // gates: GateFactory.DIRECT or event-tap's
 * ...
 * // secondary, on failover, with the replica loaded (memory, context, GrantTables.restore) and paused:
 * DeviceBackends replicaDevices = DeviceBackends.reattach(hv2, replica, sharedImage, link2, gates2);
 * hv2.unpause(replica);
 * }</pre>
 *
 * <p>{@link org.kemari.ring.guest.IoGuest} is the program, {@link org.kemari.ring.guest.IoGuestLayout}
 * where it keeps its state, {@link org.kemari.ring.guest.WorkloadFormat} the block and
 * acknowledgement formats of docs/checker.md.
 */
package org.kemari.ring.guest;
