package org.kemari.pair;

import java.io.PrintStream;
import org.kemari.config.PairConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;

/**
 * Everything the engine needs to serve one side of a pair, checked by its host beforehand.
 *
 * @param domain          the guest on this host (protect), null for receive
 * @param host            the daemon running the engine
 * @param log             where the engine writes one-line, journald-friendly messages
 * @param receiverCommand xl remus -s: command that starts the receiver on the secondary (run by
 *                        sh); null when the receiver is already running there (systemd, Pacemaker)
 * @param manualFailover  receive only: when the primary is lost, keep the replica paused and fail
 *                        over only when asked (`kemari failover`), because a cluster manager decides
 */
public record PairRun(PairConfig pair, Hypervisor hypervisor, DomainInfo domain, PairHost host, PrintStream log,
                      String receiverCommand, boolean manualFailover) {
    public PairRun(PairConfig pair, Hypervisor hypervisor, DomainInfo domain, PairHost host, PrintStream log,
                   String receiverCommand) {
        this(pair, hypervisor, domain, host, log, receiverCommand, false);
    }
}
