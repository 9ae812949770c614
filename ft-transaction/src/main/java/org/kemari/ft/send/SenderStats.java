package org.kemari.ft.send;

import java.time.Duration;
import java.util.Map;
import org.kemari.ft.wire.PageEncoding;

/**
 * What the primary has done so far, for status output and benchmarks.
 *
 * @param epochs    epochs transmitted
 * @param pages     pages sent in epochs (pre-copy not included)
 * @param bytes     stream bytes written, pre-copy included
 * @param lastPause how long the guest was paused for the last epoch
 * @param maxPause  the longest such pause
 * @param encodings pages sent in each encoding, pre-copy included
 */
public record SenderStats(long epochs, long pages, long bytes, Duration lastPause, Duration maxPause,
                          Map<PageEncoding, Long> encodings) {
}
