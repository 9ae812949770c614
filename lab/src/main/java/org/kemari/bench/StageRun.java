package org.kemari.bench;

import java.util.List;
import java.util.Locale;
import org.kemari.ft.timing.StageSummary;
import org.kemari.ft.timing.StageTimes;

/**
 * The stage times of one protected run, both ends (the primary's stages, then the secondary's
 * apply), as the bench prints them after its table.
 */
record StageRun(String run, List<StageSummary> stages) {

    /** A Markdown table of the runs, times in ms. */
    static String table(List<StageRun> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append("| run | stage | in stop | epochs | p50 ms | p90 ms | p99 ms | max ms |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (StageRun r : runs) {
            for (StageSummary s : r.stages) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.3f | %.3f | %.3f | %.3f |%n", r.run,
                        s.stage().word(), s.stage().inStop() ? "yes" : "no", s.count(), s.p50Nanos() / 1e6,
                        s.p90Nanos() / 1e6, s.p99Nanos() / 1e6, s.maxNanos() / 1e6));
            }
        }
        return sb.toString().stripTrailing();
    }

    static String heading() {
        return "Stages of an epoch, protected runs (percentiles of the last " + StageTimes.WINDOW
                + " epochs of each run, warm-up included):";
    }
}
