package org.kemari.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how far the initial sync (every page of the guest) has got: a redrawn bar on an
 * interactive terminal, or a plain line every few seconds otherwise, so journald and log files
 * get readable progress without escape codes or carriage returns.
 */
public final class ProgressMeter {
    static final long PAGE_BYTES = 4096;
    private static final long LINE_EVERY_NANOS = 5_000_000_000L;
    private static final long REDRAW_EVERY_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private long startNanos = -1;
    private long lastShownNanos;

    ProgressMeter(PrintStream out, boolean terminal, LongSupplier nanoTime) {
        this.out = out;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    /** A bar when stderr is an interactive terminal that can redraw (TERM set and not "dumb"). */
    static ProgressMeter forStderr(Invocation in) {
        String term = in.env().get("TERM");
        boolean tty = in.console() && term != null && !term.isEmpty() && !"dumb".equals(term);
        return new ProgressMeter(in.err(), tty, System::nanoTime);
    }

    /** Called by the engine as pages are sent; cheap enough to call per batch. */
    public void update(long donePages, long totalPages) {
        long now = nanoTime.getAsLong();
        if (startNanos < 0) {
            startNanos = now;
            lastShownNanos = now - LINE_EVERY_NANOS;
        }
        long every = terminal ? REDRAW_EVERY_NANOS : LINE_EVERY_NANOS;
        if (now - lastShownNanos >= every || donePages >= totalPages) {
            lastShownNanos = now;
            show(donePages, totalPages, now);
        }
    }

    /** Ends the bar's line; call once when the initial sync is done. */
    public void finish() {
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    private void show(long done, long total, long now) {
        double seconds = (now - startNanos) / 1e9;
        double mibPerSecond = seconds > 0 ? done * PAGE_BYTES / (1024.0 * 1024.0) / seconds : 0;
        double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 1.0;
        String eta = done > 0 && done < total && seconds > 0
                ? clock((long) ((total - done) * seconds / done)) : "--:--";
        String figures = String.format(Locale.ROOT, "%3d%% %d/%d pages %.1f MiB/s ETA %s",
                Math.round(fraction * 100), done, total, mibPerSecond, eta);
        if (terminal) {
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            out.print("\r\u001b[2Kinitial sync [" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + figures);
        } else {
            out.println("initial sync: " + figures);
        }
        out.flush();
    }

    private static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
