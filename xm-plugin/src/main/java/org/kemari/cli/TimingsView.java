package org.kemari.cli;

import java.util.Locale;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.ft.timing.StageSummary;
import org.kemari.json.Json;

/** How `kemari status` shows a daemon's epoch timings: a JSON object, or one line for people. */
final class TimingsView {
    private TimingsView() {
    }

    /** {"epochs":..,"pages":..,"bytes":..,"stages":{"<stage>":{"count":..,"window":..,"p50_ns":..,...},..}} */
    static String json(EpochTimings t) {
        Json stages = new Json();
        for (StageSummary s : t.stages()) {
            stages.raw(s.stage().word(), new Json().field("count", s.count()).field("window", s.window())
                    .field("p50_ns", s.p50Nanos()).field("p90_ns", s.p90Nanos()).field("p99_ns", s.p99Nanos())
                    .field("max_ns", s.maxNanos()).field("sum_ns", s.sumNanos()).toString());
        }
        return new Json().field("epochs", t.epochs()).field("pages", t.pages()).field("bytes", t.bytes())
                .raw("stages", stages.toString()).toString();
    }

    /** "stages ms p50/p99: pause 0.012/0.020 harvest …" over the stages recorded. */
    static String line(EpochTimings t) {
        StringBuilder b = new StringBuilder("stages, ms p50/p99 of the last epochs:");
        for (StageSummary s : t.stages()) {
            b.append(' ').append(s.stage().word()).append(' ').append(ms(s.p50Nanos())).append('/').append(ms(s.p99Nanos()));
        }
        return b.toString();
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
