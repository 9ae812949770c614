package org.kemari.tap;

/** When epochs are taken: on output (Kemari's event-driven default), on a timer (Remus), or both. */
public enum SyncMode {
    /** Every batch of held output asks for an epoch at once. */
    EVENT,
    /** Output waits for the next timed epoch; the engine's interval sets the pace. */
    PERIODIC,
    /** Output asks for an epoch at once, and the engine also takes one at least every interval. */
    HYBRID;

    boolean syncsOnOutput() {
        return this != PERIODIC;
    }
}
