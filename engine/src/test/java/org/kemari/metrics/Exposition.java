package org.kemari.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text exposition format 0.0.4 as node exporter's textfile
 * collector takes it (prometheus.io/docs/instrumenting/exposition_formats): every line ends in a
 * line feed; HELP and TYPE at most once per family, TYPE before the family's first sample; a
 * family's lines together; metric and label names, label-value and HELP escapes as specified; no
 * reserved label names, no repeated label in a sample, no sample twice; a summary's samples are
 * the family's name with a quantile label in [0, 1], {@code _sum} and {@code _count}; no
 * timestamps (the textfile collector refuses them).
 */
public final class Exposition {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Pattern HELP_TEXT = Pattern.compile("(?:[^\\\\\\n]|\\\\[\\\\n])*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private final Map<String, String> types = new HashMap<>();
    private final Set<String> helped = new HashSet<>();
    private final Set<String> closed = new HashSet<>();
    private final Set<String> sampled = new HashSet<>();
    /** Every sample by its name and its labels sorted, values escaped as in the text: {@code x{a="1",b="2"}}. */
    private final Map<String, Double> samples = new TreeMap<>();
    private String family;
    private int line;

    private Exposition() {
    }

    /** The samples of {@code text}; an AssertionError names the first line that breaks a rule. */
    public static Map<String, Double> parse(String text) {
        Exposition e = new Exposition();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the last line does not end in a line feed");
        }
        for (String l : text.split("\n", -1)) {
            e.line++;
            if (!l.isEmpty()) {
                e.accept(l);
            }
        }
        return e.samples;
    }

    private void accept(String l) {
        if (l.startsWith("#")) {
            String[] parts = l.split(" ", 4);
            if (parts.length >= 3 && parts[0].equals("#") && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                metadata(parts[1], parts[2], parts.length == 4 ? parts[3] : "");
            }
            return;
        }
        sample(l);
    }

    private void metadata(String kind, String name, String rest) {
        check(NAME.matcher(name).matches(), "metric name " + name);
        enter(name);
        if (kind.equals("HELP")) {
            check(helped.add(name), "a second HELP for " + name);
            check(HELP_TEXT.matcher(rest).matches(), "HELP text escapes");
        } else {
            check(!types.containsKey(name), "a second TYPE for " + name);
            check(!sampled.contains(name), "TYPE after samples of " + name);
            check(TYPES.contains(rest), "type " + rest);
            types.put(name, rest);
        }
    }

    private void sample(String l) {
        Matcher m = Pattern.compile("^([^{ ]+)(?:\\{(.*)})? (\\S+)$").matcher(l);
        check(m.matches(), "a sample: name, labels, one value and no timestamp");
        String name = m.group(1);
        check(NAME.matcher(name).matches(), "metric name " + name);
        Map<String, String> labels = labels(m.group(2) == null ? "" : m.group(2));
        double value = value(m.group(3));
        String base = familyOf(name);
        enter(base);
        if ("summary".equals(types.get(base))) {
            if (name.equals(base)) {
                String q = labels.get("quantile");
                check(q != null, "a summary's quantile label");
                double quantile = value(q);
                check(quantile >= 0 && quantile <= 1, "quantile in [0, 1]");
            } else {
                check(!labels.containsKey("quantile"), "no quantile label on " + name);
            }
        }
        if (name.endsWith("_total") || "counter".equals(types.get(base))) {
            check(value >= 0, "a counter's value is not negative");
        }
        sampled.add(base);
        StringJoiner set = new StringJoiner(",", "{", "}");
        labels.forEach((k, v) -> set.add(k + "=\"" + v + "\""));
        String key = name + set;
        check(samples.put(key, value) == null, "a sample twice: " + key);
    }

    private Map<String, String> labels(String set) {
        Map<String, String> labels = new TreeMap<>();
        Matcher m = LABEL.matcher(set);
        int at = 0;
        while (at < set.length()) {
            check(m.find(at) && m.start() == at, "a label at column " + at + " of {" + set + "}");
            check(!m.group(1).startsWith("__"), "reserved label name " + m.group(1));
            check(labels.put(m.group(1), m.group(2)) == null, "label " + m.group(1) + " twice");
            at = m.end();
            if (at < set.length()) {
                check(set.charAt(at) == ',', "a comma between labels");
                at++;
            }
        }
        return labels;
    }

    private double value(String v) {
        switch (v) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                check(v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?"), "a float value, not " + v);
                return Double.parseDouble(v);
        }
    }

    /** The family a sample belongs to: a summary's or histogram's suffixed samples belong to the base name. */
    private String familyOf(String name) {
        for (String suffix : new String[] {"_sum", "_count", "_bucket"}) {
            String base = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
            if (base != null && ("summary".equals(types.get(base)) || "histogram".equals(types.get(base)))) {
                return base;
            }
        }
        return name;
    }

    private void enter(String name) {
        if (name.equals(family)) {
            return;
        }
        check(!closed.contains(name), "the lines of " + name + " are not together");
        if (family != null) {
            closed.add(family);
        }
        family = name;
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("line " + line + ": expected " + what);
        }
    }
}
