package org.kemari.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The bench's results and their three renderings: the table, results.json and the SVG plot. */
final class Report {
    static final String JSON = "results.json";
    static final String SVG = "bench.svg";
    final List<Metric> targets = new ArrayList<>();
    final List<Metric> scaling = new ArrayList<>();
    final List<Series> throughput = new ArrayList<>();
    final List<Series> pause = new ArrayList<>();
    /** Series for the JSON only: their x axis (guest size) fits none of the plot's panels. */
    final List<Series> unplotted = new ArrayList<>();
    final List<StageRun> stages = new ArrayList<>();
    Samples commitLatency;
    /** One client's request-to-reply times, unprotected and protected, from the same run. */
    Samples replyLatencyBare;
    Samples replyLatencyHeld;
    double loadBefore = Double.NaN;
    double loadAfter = Double.NaN;

    void printTable(PrintStream out) {
        out.println(table(targets));
        out.println();
        out.println("Scaling (no targets):");
        out.println(table(scaling));
        out.println();
        out.println(StageRun.heading());
        out.println(StageRun.table(stages));
    }

    /** A Markdown table: readable on a terminal and pasteable into docs/benchmarks.md. */
    static String table(List<Metric> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| metric | value | baseline (same run) | ratio | target | met? | how |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Metric m : rows) {
            sb.append("| ").append(m.name())
                    .append(" | ").append(Double.isNaN(m.value()) ? "not measured" : Format.number(m.value()) + " " + m.unit())
                    .append(" | ").append(Double.isNaN(m.baseline()) ? "-" : Format.number(m.baseline()) + " " + m.baselineUnit())
                    .append(" | ").append(Format.number(m.ratio()))
                    .append(" | ").append(m.target().isEmpty() ? "-" : m.target())
                    .append(" | ").append(m.met() == null ? (m.target().isEmpty() ? "-" : "not measured") : m.met() ? "yes" : "NO")
                    .append(" | ").append(m.note().replace("|", "/"))
                    .append(" |\n");
        }
        return sb.toString().stripTrailing();
    }

    void write(Path dir, boolean quick) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(JSON), json(quick));
        Files.writeString(dir.resolve(SVG), new Plot(commitLatency, replyLatencyBare, replyLatencyHeld, throughput, pause).svg());
    }

    private String json(boolean quick) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"when\": ").append(Format.jsonString(Instant.now().toString())).append(",\n");
        sb.append("  \"quick\": ").append(quick).append(",\n");
        sb.append("  \"cpus\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        sb.append("  \"java\": ").append(Format.jsonString(System.getProperty("java.version"))).append(",\n");
        sb.append("  \"load_average\": [").append(Format.json(loadBefore)).append(", ").append(Format.json(loadAfter))
                .append("],\n");
        sb.append("  \"targets\": ").append(metrics(targets)).append(",\n");
        sb.append("  \"scaling\": ").append(metrics(scaling)).append(",\n");
        List<Series> all = new ArrayList<>(throughput);
        all.addAll(pause);
        all.addAll(unplotted);
        sb.append("  \"series\": [");
        for (int i = 0; i < all.size(); i++) {
            Series s = all.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(Format.jsonString(s.name))
                    .append(", \"x\": ").append(Format.jsonString(s.xLabel))
                    .append(", \"y\": ").append(Format.jsonString(s.yLabel)).append(", \"points\": [");
            for (int p = 0; p < s.points.size(); p++) {
                double[] xy = s.points.get(p);
                sb.append(p == 0 ? "" : ", ").append('[').append(Format.json(xy[0])).append(", ")
                        .append(Format.json(xy[1])).append(']');
            }
            sb.append("]}");
        }
        sb.append("\n  ],\n");
        sb.append("  \"commit_latency_ns\": [");
        long[] sorted = commitLatency == null ? new long[0] : commitLatency.sorted();
        for (int i = 0; i < sorted.length; i++) {
            sb.append(i == 0 ? "" : ",").append(sorted[i]);
        }
        return sb.append("]\n}\n").toString();
    }

    private static String metrics(List<Metric> rows) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Metric m = rows.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "    {\"metric\": %s, \"value\": %s, \"unit\": %s, \"baseline\": %s, \"baseline_unit\": %s,"
                            + " \"ratio\": %s, \"target\": %s, \"met\": %s, \"note\": %s}",
                    Format.jsonString(m.name()), Format.json(m.value()), Format.jsonString(m.unit()),
                    Format.json(m.baseline()), Format.jsonString(m.baselineUnit()), Format.json(m.ratio()),
                    Format.jsonString(m.target()), m.met() == null ? "null" : m.met().toString(),
                    Format.jsonString(m.note())));
        }
        return sb.append(rows.isEmpty() ? "]" : "\n  ]").toString();
    }
}
