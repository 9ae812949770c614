package org.kemari.pair;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageSummary;

/**
 * A daemon's epoch timings as {@code <pair>.timings} (java.util.Properties): the counters, then
 * {@code <stage>.<field>} for each stage recorded, times in nanoseconds.
 */
final class TimingsFile {
    private static final String[] FIELDS = {"count", "sum_ns", "window", "p50_ns", "p90_ns", "p99_ns", "max_ns"};

    private TimingsFile() {
    }

    static Properties encode(EpochTimings t) {
        Properties p = new Properties();
        p.setProperty("epochs", Long.toString(t.epochs()));
        p.setProperty("pages", Long.toString(t.pages()));
        p.setProperty("bytes", Long.toString(t.bytes()));
        for (StageSummary s : t.stages()) {
            long[] values = {s.count(), s.sumNanos(), s.window(), s.p50Nanos(), s.p90Nanos(), s.p99Nanos(), s.maxNanos()};
            for (int i = 0; i < FIELDS.length; i++) {
                p.setProperty(s.stage().word() + "." + FIELDS[i], Long.toString(values[i]));
            }
        }
        return p;
    }

    /** @throws IllegalArgumentException if a field is missing or not a number */
    static EpochTimings decode(Properties p) {
        List<StageSummary> stages = new ArrayList<>();
        for (Stage s : Stage.values()) {
            if (p.getProperty(s.word() + ".count") == null) {
                continue;
            }
            long[] v = new long[FIELDS.length];
            for (int i = 0; i < FIELDS.length; i++) {
                v[i] = number(p, s.word() + "." + FIELDS[i]);
            }
            stages.add(new StageSummary(s, v[0], v[1], (int) v[2], v[3], v[4], v[5], v[6]));
        }
        return new EpochTimings(number(p, "epochs"), number(p, "pages"), number(p, "bytes"), stages);
    }

    private static long number(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + key + "'");
        }
        return Long.parseLong(v);
    }
}
