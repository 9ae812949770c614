package org.kemari.ring.guest;

import org.kemari.ring.RequestGate;
import org.kemari.ring.RingBackend;

/**
 * Chooses the {@link RequestGate} each backend's frontend notifications go through when
 * {@link DeviceBackends} wires a guest: {@link #DIRECT} serves at once; event-tap returns its
 * gate here (after attaching the backend to its tap) so that outgoing requests wait for the
 * secondary's acknowledgement.
 */
@FunctionalInterface
public interface GateFactory {
    GateFactory DIRECT = (device, backend) -> RequestGate.DIRECT;

    RequestGate gateFor(Device device, RingBackend backend);

    /** The rings an io guest has. */
    enum Device { BLOCK, NET_TX }
}
