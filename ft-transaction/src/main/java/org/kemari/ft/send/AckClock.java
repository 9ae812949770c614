package org.kemari.ft.send;

import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageTimes;

/**
 * Times each epoch's ACK round trip, from the return of the write that sent its commit to the
 * ACK read. The two ends run on different threads and the ACK may be read before that write
 * returns (the secondary answers as soon as the commit arrives); such an epoch's round trip was
 * shorter than the write's tail and counts as zero. Epochs in flight are at most the slots, so
 * an epoch's slot is free again before a later epoch needs it.
 */
final class AckClock {
    private final StageTimes times;
    private final long[] epochs;
    private final long[] at;
    private final boolean[] ackFirst;

    AckClock(StageTimes times, int inFlight) {
        this.times = times;
        this.epochs = new long[inFlight];
        this.at = new long[inFlight];
        this.ackFirst = new boolean[inFlight];
    }

    synchronized void sent(long epoch) {
        int i = slot(epoch);
        if (epochs[i] == epoch && ackFirst[i]) {
            times.record(Stage.ACK, 0);
            return;
        }
        mark(i, epoch, false);
    }

    synchronized void acked(long epoch) {
        int i = slot(epoch);
        if (epochs[i] == epoch && !ackFirst[i]) {
            times.lap(Stage.ACK, at[i]);
            return;
        }
        mark(i, epoch, true);
    }

    private void mark(int i, long epoch, boolean ack) {
        epochs[i] = epoch;
        at[i] = times.now();
        ackFirst[i] = ack;
    }

    private int slot(long epoch) {
        return (int) (epoch % epochs.length);
    }
}
