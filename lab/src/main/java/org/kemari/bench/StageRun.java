package org.kemari.bench;

import java.util.List;
import java.util.Locale;
import org.kemari.ft.timing.Stage;
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

    /**
     * The epoch's path in one line, p50s in ms: the guest's stop, then writing the epoch, then
     * waiting for its ACK (the secondary's apply is inside that wait). Why a held output waited.
     */
    String brief() {
        StringBuilder sb = new StringBuilder("epoch p50s in ms (" + run + "):");
        for (StageSummary s : stages) {
            if (s.stage() == Stage.STOP || s.stage() == Stage.ENCODE || s.stage() == Stage.SEND || s.stage() == Stage.ACK
                    || s.stage() == Stage.APPLY) {
                sb.append(String.format(Locale.ROOT, " %s %.3f", s.stage().word(), s.p50Nanos() / 1e6));
            }
        }
        return sb.toString();
    }

    static String heading() {
        return "Stages of an epoch, protected runs (percentiles of the last " + StageTimes.WINDOW
                + " epochs of each run, warm-up included):";
    }
}
