/**
 * Dom0's device wiring around a protected guest whose disk and vif kemari's own backends serve:
 * {@link org.kemari.ring.guest.DeviceBackends} connects the block and network backends to the
 * guest's rings (primary) or re-attaches them to the replicated rings (secondary, at failover);
 * {@link org.kemari.ring.guest.GateFactory} chooses the gate each backend's notifications pass
 * (event-tap's, or direct); {@link org.kemari.ring.guest.FrontendParams} are the ring references
 * and ports, found by the backend's {@link org.kemari.ring.guest.FrontendLocator};
 * {@link org.kemari.ring.guest.WorkloadFormat} the block and acknowledgement formats of
 * docs/checker.md.
 *
 * <p>The simulated io guest that drives these devices (program, boot, layout, and the
 * simulator's locator) lives in module xen-sim, package {@code org.kemari.xen.sim.guest}.
 */
package org.kemari.ring.guest;
