package org.kemari.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The import rules of docs/architecture.md, read from every module's main source tree (its
 * {@code import} lines and fully qualified names in code): which module may name which, the
 * simulator only in xen-sim and the lab, JNA only in xen-bridge's backend, and no package cycle.
 * Plain source scanning rather than ArchUnit: the build runs offline from a shared local Maven
 * repository that does not hold ArchUnit. Maven's enforcer (parent pom) keeps the same rules at
 * the dependency level.
 */
class ArchitectureTest {
    /** Every module with main code, and the modules its main code may name (besides itself). */
    static final Map<String, Set<String>> MAY_USE = Map.of(
            "xen-bridge", Set.of(),
            "ringsync", Set.of("xen-bridge"),
            "xen-sim", Set.of("xen-bridge", "ringsync"),
            "evtchn-tap", Set.of("xen-bridge", "ringsync"),
            "ft-transaction", Set.of("xen-bridge"),
            "engine", Set.of("xen-bridge", "ringsync", "evtchn-tap", "ft-transaction"),
            "lab", Set.of("xen-bridge", "ringsync", "evtchn-tap", "ft-transaction", "engine", "xen-sim"),
            "xm-plugin", Set.of("xen-bridge", "ringsync", "evtchn-tap", "ft-transaction", "engine", "lab"));

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)\\.[A-Z][\\w.*]*;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b((?:org\\.kemari|com\\.sun\\.jna)(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    /** One source file: its module, package and the packages it names. */
    record Source(String module, Path file, String pkg, Set<String> uses) {
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("xm-plugin").resolve("pom.xml"))) {
            p = p.getParent();
        }
        return p;
    }

    static List<Source> sources(Path root) {
        List<Source> all = new ArrayList<>();
        for (String module : MAY_USE.keySet()) {
            Path main = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(main)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> all.add(parse(module, f, read(f))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Source parse(String module, Path file, String text) {
        Matcher pm = PACKAGE.matcher(text);
        String pkg = pm.find() ? pm.group(1) : "";
        Set<String> uses = new TreeSet<>();
        Matcher im = IMPORT.matcher(text);
        while (im.find()) {
            uses.add(im.group(1));
        }
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//") || t.startsWith("import ") || t.startsWith("package ")) {
                continue;
            }
            Matcher q = QUALIFIED.matcher(t.replaceAll("\"[^\"]*\"", "\"\""));
            while (q.find()) {
                uses.add(q.group(1));
            }
        }
        uses.remove(pkg);
        return new Source(module, file, pkg, uses);
    }

    /** Which module owns each package (split packages would show up as the last one seen). */
    static Map<String, String> owners(List<Source> sources) {
        Map<String, String> owner = new HashMap<>();
        sources.forEach(s -> owner.put(s.pkg(), s.module()));
        return owner;
    }

    /** Violations of {@link #MAY_USE}, the simulator rule and the JNA rule, one line each. */
    static List<String> violations(List<Source> sources) {
        Map<String, String> owner = owners(sources);
        List<String> problems = new ArrayList<>();
        for (Source s : sources) {
            for (String used : s.uses()) {
                if (used.startsWith("com.sun.jna") && !(s.module().equals("xen-bridge") && s.pkg().startsWith("org.kemari.xen.jna"))) {
                    problems.add(s.file() + ": " + used + " outside xen-bridge's JNA backend");
                }
                if (used.startsWith("org.kemari.xen.sim") && !Set.of("xen-sim", "lab").contains(s.module())) {
                    problems.add(s.file() + ": production module " + s.module() + " names the simulator (" + used + ")");
                }
                String target = owner.get(used);
                if (target != null && !target.equals(s.module()) && !MAY_USE.get(s.module()).contains(target)) {
                    problems.add(s.file() + ": " + s.module() + " may not use " + target + " (" + used + ")");
                }
            }
        }
        return problems;
    }

    /** Package cycles (strongly connected components of more than one package). */
    static List<Set<String>> cycles(List<Source> sources) {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Source s : sources) {
            graph.computeIfAbsent(s.pkg(), k -> new TreeSet<>());
        }
        for (Source s : sources) {
            s.uses().stream().filter(graph::containsKey).forEach(u -> graph.get(s.pkg()).add(u));
        }
        return new Tarjan(graph).components().stream().filter(c -> c.size() > 1).toList();
    }

    @Test
    void everyModuleUsesOnlyWhatItMay() {
        List<Source> sources = sources(root());
        assertThat(sources).hasSizeGreaterThan(100);
        assertThat(violations(sources)).isEmpty();
    }

    /** Public top-level types whose simple name another module's public type has too. */
    static Map<String, Set<String>> sharedSimpleNames(Path root) {
        Pattern type = Pattern.compile("^public\\s+(?:(?:final|abstract|sealed|non-sealed)\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)",
                Pattern.MULTILINE);
        Map<String, Set<String>> where = new TreeMap<>();
        for (String module : MAY_USE.keySet()) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                    Matcher m = type.matcher(read(f));
                    if (m.find()) {
                        where.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(module + ":" + f.getFileName());
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        where.values().removeIf(modules -> modules.stream().map(x -> x.substring(0, x.indexOf(':'))).distinct().count() < 2);
        return where;
    }

    @Test
    void noTwoModulesHavePublicTypesOfTheSameSimpleName() {
        assertThat(sharedSimpleNames(root())).isEmpty();
    }

    @Test
    void noPackageCycle() {
        assertThat(cycles(sources(root()))).isEmpty();
    }

    @Test
    void theRulesCatchWhatTheyForbid() {
        List<Source> bad = List.of(
                parse("engine", Path.of("A.java"), "package org.kemari.pair;\nimport org.kemari.cli.ExitCode;\n"
                        + "import org.kemari.xen.sim.SimHost;\nclass A { Object b = new org.kemari.bench.Bench(); }"),
                parse("xm-plugin", Path.of("B.java"), "package org.kemari.cli;\nimport org.kemari.pair.A;\nclass B {}"),
                parse("lab", Path.of("C.java"), "package org.kemari.bench;\nclass C {}"),
                parse("ringsync", Path.of("D.java"), "package org.kemari.ring;\nimport com.sun.jna.Pointer;\nclass D {}"));
        assertThat(violations(bad)).hasSize(4)
                .anyMatch(v -> v.contains("engine may not use xm-plugin"))
                .anyMatch(v -> v.contains("engine may not use lab"))
                .anyMatch(v -> v.contains("names the simulator"))
                .anyMatch(v -> v.contains("com.sun.jna"));
        assertThat(cycles(bad)).containsExactly(new TreeSet<>(Set.of("org.kemari.cli", "org.kemari.pair")));
    }

    /** Tarjan's strongly connected components. */
    private static final class Tarjan {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> result = new ArrayList<>();
        private int next;

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        List<Set<String>> components() {
            graph.keySet().forEach(v -> {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            });
            return result;
        }

        private void visit(String v) {
            index.put(v, next);
            low.put(v, next++);
            stack.push(v);
            onStack.add(v);
            for (String w : graph.get(v)) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> c = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    c.add(w);
                } while (!w.equals(v));
                result.add(c);
            }
        }
    }
}
