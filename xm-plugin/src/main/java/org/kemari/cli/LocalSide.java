package org.kemari.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import org.kemari.config.Endpoint;
import org.kemari.config.PairConfig;

/**
 * Orients a pairing config for this host. The same file serves both hosts, and either may play
 * either role: Pacemaker starts a receiver on both, and after a failover the old secondary
 * protects the guest back to the old primary. So the side this host plays is found by its own
 * addresses, not by which key names it.
 */
final class LocalSide {
    private LocalSide() {
    }

    /** The pair with this host as primary, if the config names this host only as secondary. */
    static PairConfig asPrimary(PairConfig c) {
        return !isLocal(c.primary()) && isLocal(c.secondary()) ? c.reversed() : c;
    }

    /** The pair with this host as secondary, if the config names this host only as primary. */
    static PairConfig asSecondary(PairConfig c) {
        return !isLocal(c.secondary()) && isLocal(c.primary()) ? c.reversed() : c;
    }

    /** True if {@code e}'s host resolves to an address of this machine. */
    static boolean isLocal(Endpoint e) {
        try {
            for (InetAddress a : InetAddress.getAllByName(e.host())) {
                if (a.isAnyLocalAddress() || a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null) {
                    return true;
                }
            }
        } catch (IOException unresolvable) {
            // A host that does not resolve here is not this host.
        }
        return false;
    }
}
