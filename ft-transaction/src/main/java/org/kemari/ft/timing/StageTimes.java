package org.kemari.ft.timing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The per-stage times of one end of a stream, always on: a fixed ring of recent samples per
 * {@link Stage}. Threads record the stages they run; any thread may read {@link #summaries()}.
 * The clock is {@code System.nanoTime} but for tests.
 */
public final class StageTimes {
    /** Recent samples kept per stage. */
    public static final int WINDOW = 1024;
    private final LongSupplier clock;
    private final SampleRing[] rings = new SampleRing[Stage.values().length];

    public StageTimes() {
        this(System::nanoTime);
    }

    public StageTimes(LongSupplier clock) {
        this.clock = clock;
        for (int i = 0; i < rings.length; i++) {
            rings[i] = new SampleRing(WINDOW);
        }
    }

    public long now() {
        return clock.getAsLong();
    }

    public void record(Stage stage, long nanos) {
        rings[stage.ordinal()].add(nanos);
    }

    /** Records the time from {@code start} to now as {@code stage}; returns now, where the next stage starts. */
    public long lap(Stage stage, long start) {
        long now = now();
        record(stage, now - start);
        return now;
    }

    /** How many times {@code stage} was recorded. */
    public long count(Stage stage) {
        return rings[stage.ordinal()].count();
    }

    /** Every stage recorded at least once, in {@link Stage} order. */
    public List<StageSummary> summaries() {
        List<StageSummary> out = new ArrayList<>();
        for (Stage s : Stage.values()) {
            StageSummary summary = rings[s.ordinal()].summary(s);
            if (summary != null) {
                out.add(summary);
            }
        }
        return out;
    }
}
