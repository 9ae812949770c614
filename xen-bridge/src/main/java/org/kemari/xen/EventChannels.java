package org.kemari.xen;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * A dom0 event-channel handle (xenevtchn_open). Semantics as in Xen: when a bound port fires it
 * becomes pending and masked; {@link #pending} returns it once, and it is not delivered again
 * until {@link #unmask} — notifications that arrive meanwhile coalesce into that one.
 */
public interface EventChannels extends AutoCloseable {

    /** Binds a local port to {@code remotePort} of {@code remoteDomid}; returns the local port. */
    int bindInterdomain(int remoteDomid, int remotePort);

    /** Allocates a local port that {@code remoteDomid} may bind to; returns it. */
    int bindUnboundPort(int remoteDomid);

    void notify(int localPort);

    /** Waits up to {@code timeout} for a port to fire; the returned port is masked. */
    OptionalInt pending(Duration timeout);

    void unmask(int localPort);

    void unbind(int localPort);

    @Override
    void close();
}
