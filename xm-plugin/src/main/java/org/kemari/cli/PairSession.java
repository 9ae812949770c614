package org.kemari.cli;

import java.io.PrintStream;
import org.kemari.config.PairConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;

/**
 * Everything an engine needs to serve one pair, checked by the command line beforehand.
 *
 * @param domain          the guest on this host (protect, failover), null for receive
 * @param receiverCommand xl remus -s: command that starts the receiver on the secondary
 *                        (run by sh, followed by the host and the receive command); null when the
 *                        receiver is already running there (systemd, Pacemaker)
 * @param log             where the engine writes one-line, journald-friendly messages
 * @param control         the daemon's handle; null for failover, which is not a daemon
 * @param manualFailover  receive --manual-failover: fail over only when `kemari failover` asks
 */
public record PairSession(PairConfig pair, Hypervisor hypervisor, DomainInfo domain, DaemonControl control,
                          ProgressMeter progress, PrintStream log, String receiverCommand, boolean manualFailover) {
    public PairSession(PairConfig pair, Hypervisor hypervisor, DomainInfo domain, DaemonControl control,
                       ProgressMeter progress, PrintStream log, String receiverCommand) {
        this(pair, hypervisor, domain, control, progress, log, receiverCommand, false);
    }
}
