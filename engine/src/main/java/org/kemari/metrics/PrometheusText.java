package org.kemari.metrics;

import java.util.function.ToLongFunction;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.ft.timing.StageSummary;
import org.kemari.ft.timing.StageTimes;

/**
 * One daemon's epoch timings in Prometheus' text exposition format (version 0.0.4), for node
 * exporter's textfile collector (docs/admin-guide.md, "Monitoring"). Every sample carries the
 * labels {@code pair} and {@code role}; the stage metrics also {@code stage}. No timestamps: the
 * textfile collector refuses them.
 */
public final class PrometheusText {
    static final String STAGE_SECONDS = "kemari_epoch_stage_seconds";
    static final String STAGE_MAX = "kemari_epoch_stage_max_seconds";
    private final StringBuilder out = new StringBuilder();
    private final String labels;

    private PrometheusText(String pair, String role) {
        labels = "pair=\"" + escape(pair) + "\",role=\"" + escape(role) + "\"";
    }

    public static String render(String pair, String role, EpochTimings t) {
        return new PrometheusText(pair, role).write(t).out.toString();
    }

    private PrometheusText write(EpochTimings t) {
        family(STAGE_SECONDS, "summary", "Time of each stage of an epoch: quantiles over the last "
                + StageTimes.WINDOW + " epochs, sum and count since the stream started.");
        for (StageSummary s : t.stages()) {
            String stage = labels + ",stage=\"" + s.stage().word() + "\"";
            sample(STAGE_SECONDS, stage + ",quantile=\"0.5\"", seconds(s.p50Nanos()));
            sample(STAGE_SECONDS, stage + ",quantile=\"0.9\"", seconds(s.p90Nanos()));
            sample(STAGE_SECONDS, stage + ",quantile=\"0.99\"", seconds(s.p99Nanos()));
            sample(STAGE_SECONDS + "_sum", stage, seconds(s.sumNanos()));
            sample(STAGE_SECONDS + "_count", stage, Long.toString(s.count()));
        }
        family(STAGE_MAX, "gauge", "Longest time of each stage of an epoch over the last " + StageTimes.WINDOW + " epochs.");
        for (StageSummary s : t.stages()) {
            sample(STAGE_MAX, labels + ",stage=\"" + s.stage().word() + "\"", seconds(s.maxNanos()));
        }
        counter("kemari_epochs_total", "Epochs sent (primary) or committed (secondary).", t, EpochTimings::epochs);
        counter("kemari_epoch_pages_total", "Pages in those epochs, pre-copy not included.", t, EpochTimings::pages);
        counter("kemari_stream_bytes_total", "Stream bytes written (primary) or read (secondary), pre-copy included.",
                t, EpochTimings::bytes);
        return this;
    }

    private void counter(String name, String help, EpochTimings t, ToLongFunction<EpochTimings> value) {
        family(name, "counter", help);
        sample(name, labels, Long.toString(value.applyAsLong(t)));
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labelSet, String value) {
        out.append(name).append('{').append(labelSet).append("} ").append(value).append('\n');
    }

    private static String seconds(long nanos) {
        return Double.toString(nanos / 1e9);
    }

    /** A label value's escapes: backslash, double quote and line feed. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
