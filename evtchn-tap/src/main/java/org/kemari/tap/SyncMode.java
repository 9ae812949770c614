package org.kemari.tap;

import java.util.Locale;

/**
 * When epochs are taken: on output (Kemari's event-driven default), on a timer (Remus), or both.
 * The one sync-mode type: the pairing config's {@code sync.mode} and {@code --sync-mode} spell
 * it with {@link #token()}.
 */
public enum SyncMode {
    /** Kemari proper: an epoch whenever the guest's state is about to become visible (held I/O). */
    EVENT,
    /** Remus-style: an epoch every interval, whether or not the guest did I/O; output waits for it. */
    PERIODIC,
    /** Event-driven, plus an epoch at least every interval so a quiet guest's replica stays fresh. */
    HYBRID;

    boolean syncsOnOutput() {
        return this != PERIODIC;
    }

    /** The lower-case spelling used in configs and on the command line. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
