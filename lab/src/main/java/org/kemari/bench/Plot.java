package org.kemari.bench;

import java.util.List;
import java.util.Locale;

/**
 * The bench's figure as hand-written SVG, four panels side by side: the output-commit latency
 * histogram, the request/response latency of one client with and without protection,
 * replication throughput against the guest's dirty rate, and guest pause against dirty pages per
 * epoch (with the memcpy baseline). Axes with a wide range are logarithmic.
 */
final class Plot {
    private static final int W = 380;
    private static final int H = 300;
    private static final int LEFT = 60;
    private static final int BOTTOM = 50;
    private static final int TOP = 40;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    /** Bars of the latency histograms, logarithmic from the fastest to the slowest sample. */
    private static final int BINS = 30;
    private final Samples latency;
    private final Samples replyBare;
    private final Samples replyHeld;
    private final List<Series> throughput;
    private final List<Series> pause;
    private final StringBuilder svg = new StringBuilder();

    Plot(Samples latency, Samples replyBare, Samples replyHeld, List<Series> throughput, List<Series> pause) {
        this.latency = latency;
        this.replyBare = replyBare;
        this.replyHeld = replyHeld;
        this.throughput = throughput;
        this.pause = pause;
    }

    String svg() {
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                4 * W, H));
        histogram(0);
        replies(W);
        curves(2 * W, "replication throughput vs dirty rate", throughput);
        curves(3 * W, "guest pause vs dirty pages", pause);
        return svg.append("</svg>\n").toString();
    }

    /**
     * Logarithmic bins from the fastest to the slowest write: a few scheduling outliers tens of
     * milliseconds long would otherwise squeeze the whole body of the distribution into one bar.
     */
    private void histogram(int x0) {
        title(x0, "output-commit latency (" + (latency == null ? 0 : latency.count()) + " writes)");
        if (latency == null || latency.count() == 0) {
            text(x0 + W / 2, H / 2, "no samples", "middle");
            return;
        }
        long[] v = latency.sorted();
        double lo = v[0] / 1e6;
        double hi = Math.max(v[v.length - 1] / 1e6, lo * 1.01);
        int[] counts = new int[BINS];
        for (long ns : v) {
            counts[bin(ns, lo, hi)]++;
        }
        int max = 1;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        Axis x = new Axis(lo, hi, true, x0 + LEFT, x0 + W - 15);
        Axis y = new Axis(0, max, false, H - BOTTOM, TOP);
        for (int b = 0; b < BINS; b++) {
            double from = binStart(x, b);
            double to = binStart(x, b + 1);
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                    from, y.at(counts[b]), Math.max(0.5, to - from - 1), y.at(0) - y.at(counts[b]), COLOURS[0]));
        }
        for (double[] mark : new double[][] {{OutputCommitBench.P50.limit(), 0}, {OutputCommitBench.P99.limit(), 1}}) {
            if (mark[0] > lo && mark[0] < hi) {
                double px = x.at(mark[0]);
                svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f L%.1f %.1f\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n",
                        px, y.from, px, y.to, COLOURS[1]));
                text((int) px + 3, TOP + 12 + 12 * (int) mark[1], (mark[1] == 0 ? "p50" : "p99") + " target", "start");
            }
        }
        axes(x, y, "ms, notify -> released (log)", "writes");
    }

    /**
     * The same closed-loop client unprotected and protected, as two outlines over the same
     * logarithmic bins, each as a share of its own transactions (the unprotected run does several
     * times as many in the same window), with each one's median in the legend.
     */
    private void replies(int x0) {
        title(x0, "request/response latency, 1 client");
        if (replyBare == null || replyHeld == null || replyBare.count() == 0 || replyHeld.count() == 0) {
            text(x0 + W / 2, H / 2, "no samples", "middle");
            return;
        }
        long[][] runs = {replyBare.sorted(), replyHeld.sorted()};
        double lo = Math.min(runs[0][0], runs[1][0]) / 1e6;
        double hi = Math.max(Math.max(runs[0][runs[0].length - 1], runs[1][runs[1].length - 1]) / 1e6, lo * 1.01);
        double[][] shares = new double[2][BINS];
        double max = 0;
        for (int r = 0; r < 2; r++) {
            for (long ns : runs[r]) {
                shares[r][bin(ns, lo, hi)] += 1.0 / runs[r].length;
            }
            for (double v : shares[r]) {
                max = Math.max(max, v);
            }
        }
        Axis x = new Axis(lo, hi, true, x0 + LEFT, x0 + W - 15);
        Axis y = new Axis(0, max, false, H - BOTTOM, TOP);
        String[] names = {"unprotected", "protected (event-tap)"};
        Samples[] samples = {replyBare, replyHeld};
        for (int r = 0; r < 2; r++) {
            StringBuilder path = new StringBuilder(String.format(Locale.ROOT, "M%.1f %.1f", x.from, y.at(0)));
            for (int b = 0; b < BINS; b++) {
                double from = binStart(x, b);
                double to = binStart(x, b + 1);
                path.append(String.format(Locale.ROOT, " L%.1f %.1f L%.1f %.1f", from, y.at(shares[r][b]), to, y.at(shares[r][b])));
            }
            path.append(String.format(Locale.ROOT, " L%.1f %.1f", x.to, y.at(0)));
            svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(COLOURS[r])
                    .append("\" stroke-width=\"1.5\"/>\n");
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s, p50 %.3f ms</text>\n",
                    x0 + LEFT + 8, TOP + 14 + 14 * r, COLOURS[r], names[r], samples[r].median() / 1e6));
        }
        axes(x, y, "ms, request -> reply (log)", "share of transactions");
    }

    /** The logarithmic bin of a sample of {@code ns} nanoseconds between {@code lo} and {@code hi} ms. */
    private static int bin(long ns, double lo, double hi) {
        return Math.min(BINS - 1, (int) (Math.log(ns / 1e6 / lo) / Math.log(hi / lo) * BINS));
    }

    /** Where bin {@code b} starts on the pixel axis (bin BINS is the right end). */
    private static double binStart(Axis x, int b) {
        return x.at(x.tick((double) b / BINS));
    }

    private void curves(int x0, String heading, List<Series> series) {
        title(x0, heading);
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        double minY = Double.MAX_VALUE;
        double maxY = 0;
        for (Series s : series) {
            for (double[] p : s.points) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (maxX <= 0 || maxY <= 0) {
            text(x0 + W / 2, H / 2, "no data", "middle");
            return;
        }
        boolean logX = minX > 0 && maxX / minX > 50;
        boolean logY = minY > 0 && maxY / minY > 50;
        Axis x = new Axis(logX ? minX : 0, maxX, logX, x0 + LEFT, x0 + W - 15);
        Axis y = new Axis(logY ? minY : 0, maxY, logY, H - BOTTOM, TOP);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points) {
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x.at(p[0]), y.at(p[1])));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                        x.at(p[0]), y.at(p[1]), colour));
            }
            svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour).append("\"/>\n");
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", x0 + LEFT + 8,
                    TOP + 14 + 14 * i, colour, Format.xml(s.name)));
        }
        Series first = series.get(0);
        axes(x, y, first.xLabel + (logX ? " (log)" : ""), first.yLabel + (logY ? " (log)" : ""));
    }

    private void axes(Axis x, Axis y, String xLabel, String yLabel) {
        svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f\" fill=\"none\" stroke=\"black\"/>\n",
                x.from, y.to, x.from, y.from, x.to, y.from));
        for (int t = 0; t <= 4; t++) {
            double xv = x.tick(t / 4.0);
            double yv = y.tick(t / 4.0);
            text((int) x.at(xv), (int) y.from + 15, Format.number(xv), "middle");
            text((int) x.from - 5, (int) y.at(yv) + 4, Format.number(yv), "end");
        }
        text((int) ((x.from + x.to) / 2), (int) y.from + 32, xLabel, "middle");
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(%d %d) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
                (int) x.from - 45, (int) ((y.from + y.to) / 2), Format.xml(yLabel)));
    }

    private void title(int x0, String s) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-size=\"13\""
                + " font-weight=\"bold\">%s</text>\n", x0 + W / 2, Format.xml(s)));
    }

    private void text(int x, int y, String s, String anchor) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>\n", x, y, anchor,
                Format.xml(s)));
    }

    /** Maps values in [lo, hi] to pixels [from, to], linearly or by logarithm. */
    private record Axis(double lo, double hi, boolean log, double from, double to) {
        double at(double v) {
            double f = log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
            return from + (to - from) * (Double.isFinite(f) ? f : 0);
        }

        double tick(double f) {
            return log ? lo * Math.pow(hi / lo, f) : lo + (hi - lo) * f;
        }
    }
}
