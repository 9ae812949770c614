package org.kemari.ring;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.kemari.xen.EventChannels;

/**
 * Routes frontend notifications to backends: when a bound port fires, the {@link RequestGate}
 * registered for it decides what the backend does (serve at once, or let event-tap hold).
 * The port stays masked while the gate runs, so notifications meanwhile coalesce into one more
 * round instead of running a backend on two threads.
 */
public final class EventDispatch {
    private record Route(RingBackend backend, RequestGate gate) {
    }

    private final EventChannels events;
    private final Map<Integer, Route> routes = new HashMap<>();

    public EventDispatch(EventChannels events) {
        this.events = events;
    }

    /** Sends {@code backend.frontend().port()}'s events through {@code gate}. */
    public void route(RingBackend backend, RequestGate gate) {
        int port = backend.frontend().port();
        if (routes.putIfAbsent(port, new Route(backend, gate)) != null) {
            throw new IllegalStateException("event channel port " + port + " already routes to the "
                    + routes.get(port).backend().ring().name() + " backend");
        }
    }

    /**
     * Waits up to {@code timeout} for one port to fire and runs its gate; returns the port, or
     * empty on timeout. A port with no route is left masked and reported.
     *
     * @throws IllegalStateException if a port with no route fired
     */
    public OptionalInt dispatchOnce(Duration timeout) {
        OptionalInt fired = events.pending(timeout);
        if (fired.isEmpty()) {
            return fired;
        }
        int port = fired.getAsInt();
        Route route = routes.get(port);
        if (route == null) {
            throw new IllegalStateException("event channel port " + port + " fired but no backend is routed to it");
        }
        try {
            route.gate().requestsPublished(route.backend());
        } finally {
            events.unmask(port);
        }
        return fired;
    }
}
