package org.kemari.pair;

import java.time.Instant;

/**
 * What a running pair daemon publishes in the state dir for `kemari status`, the OCF agent and
 * `kemari unprotect`.
 *
 * @param pid     the daemon's process id
 * @param started the daemon's process start time; with the pid it tells a live daemon from a
 *                recycled pid after a crash
 * @param phase   the pair's {@link PairPhase}
 * @param epoch   last epoch acknowledged (primary) or committed (secondary); epochs count from 1,
 *                so 0 or -1 means none yet
 */
public record PairState(String pair, PairRole role, long pid, Instant started, String domain, String peer,
                        PairPhase phase, long epoch, Instant updated) {

    /** The state after a phase report; the phase's own role, if it has one, becomes the daemon's. */
    public PairState withProgress(PairPhase newPhase, long newEpoch, Instant now) {
        PairRole newRole = newPhase.role() != null ? newPhase.role() : role;
        return new PairState(pair, newRole, pid, started, domain, peer, newPhase, newEpoch, now);
    }
}
