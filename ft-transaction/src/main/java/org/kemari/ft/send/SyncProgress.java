package org.kemari.ft.send;

import java.time.Duration;

/**
 * Where the initial synchronisation stands, for a progress bar.
 *
 * @param round       pre-copy round, from 1; 0 for the final paused epoch
 * @param roundPages  pages this round sends
 * @param roundSent   pages of this round sent so far
 * @param totalPages  pages sent since the start, all rounds
 * @param bytes       stream bytes written since the start
 * @param eta         estimated time to the end of this round at the current rate (ZERO if unknown)
 */
public record SyncProgress(int round, long roundPages, long roundSent, long totalPages, long bytes, Duration eta) {
}
