package org.kemari.ft.timing;

import java.util.List;

/**
 * What one end of a stream reports for monitoring: its counters and the recent times of each stage.
 *
 * @param epochs epochs sent (primary) or committed (secondary)
 * @param pages  pages in those epochs, pre-copy not included
 * @param bytes  stream bytes written (primary) or read (secondary), pre-copy included
 * @param stages the stages recorded so far, in {@link Stage} order
 */
public record EpochTimings(long epochs, long pages, long bytes, List<StageSummary> stages) {
    public EpochTimings {
        stages = List.copyOf(stages);
    }
}
