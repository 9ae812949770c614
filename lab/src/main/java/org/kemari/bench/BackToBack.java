package org.kemari.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.kemari.ft.EpochId;
import org.kemari.ft.send.SenderStats;

/**
 * Epochs as fast as the pair takes them: sync requests are kept outstanding (up to the
 * sender's in-flight limit), so capture starts again as soon as it may, while earlier epochs
 * are still on the wire or awaiting their ACK.
 */
final class BackToBack {
    private static final int OUTSTANDING = 4;

    private BackToBack() {
    }

    /** Runs for {@code length} and returns what the sender did meanwhile. */
    static Window run(SimPair pair, Duration length) throws Exception {
        Deque<CompletableFuture<EpochId>> waiting = new ArrayDeque<>();
        SenderStats before = pair.stats();
        long t0 = System.nanoTime();
        long end = t0 + length.toNanos();
        while (System.nanoTime() - end < 0) {
            if (waiting.size() >= OUTSTANDING) {
                waiting.removeFirst().get(60, TimeUnit.SECONDS);
            }
            waiting.addLast(pair.sender().requestSync());
        }
        for (CompletableFuture<EpochId> f : waiting) {
            f.get(60, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        SenderStats after = pair.stats();
        return new Window(after.epochs() - before.epochs(), after.pages() - before.pages(),
                after.bytes() - before.bytes(), seconds);
    }

    /** What the sender transmitted in one run: epochs, pages in them, stream bytes, over seconds. */
    record Window(long epochs, long pages, long bytes, double seconds) {
        double epochsPerSecond() {
            return epochs / seconds;
        }

        double pagesPerEpoch() {
            return epochs == 0 ? Double.NaN : (double) pages / epochs;
        }

        /** Page payload replicated per second (4 KiB per page carried, however it was encoded). */
        double payloadBytesPerSecond() {
            return pages * 4096.0 / seconds;
        }

        double pagesPerSecond() {
            return pages / seconds;
        }
    }
}
