package org.kemari.testbed.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs a JUnit test class in the testbed's dom0, where Maven is too slow to start (cases/tck.sh).
 * One line per test as it ends, so the case log reads on its own:
 * {@code PASS|FAIL|SKIP <suite>.<test> <seconds>s @<end, seconds since start> [- reason]}, so a
 * test can be matched with the hypervisor's log; a suite that fails as a whole
 * (e.g. its setup) is a FAIL line too. Exit 0 only if nothing failed and at least one test
 * passed: a run that skipped everything verified nothing.
 *
 * <p>Usage: {@code TckLauncher TEST_CLASS [NESTED_SUITE...]}: the nested suites (simple names of
 * member classes of TEST_CLASS or its superclasses) narrow a run to those suites.
 */
public final class TckLauncher {

    private TckLauncher() {
    }

    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length == 0) {
            System.err.println("usage: TckLauncher TEST_CLASS [NESTED_SUITE...]");
            System.exit(2);
        }
        Class<?> testClass = Class.forName(args[0]);
        List<DiscoverySelector> selectors = new ArrayList<>();
        if (args.length == 1) {
            selectors.add(selectClass(testClass));
        }
        for (int i = 1; i < args.length; i++) {
            selectors.add(selectNestedClass(List.of(testClass), memberClass(testClass, args[i])));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                // bounds every case, so a hung call costs one case rather than the whole run
                .configurationParameter("junit.jupiter.execution.timeout.default",
                        System.getProperty("kemari.tck.caseTimeout", "180 s"))
                .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        long start = System.nanoTime();
        launcher.execute(request, summary, new Lines(System.out, start));
        TestExecutionSummary s = summary.getSummary();
        System.out.printf("TOTAL %d passed, %d failed, %d skipped (%d by an assumption, %d disabled) in %.1fs%n",
                s.getTestsSucceededCount(), s.getTotalFailureCount(),
                s.getTestsAbortedCount() + s.getTestsSkippedCount(), s.getTestsAbortedCount(),
                s.getTestsSkippedCount(), (System.nanoTime() - start) / 1e9);
        boolean ok = s.getTotalFailureCount() == 0 && s.getTestsSucceededCount() > 0;
        System.exit(ok ? 0 : 1);
    }

    /** A member class of {@code c} or of one of its superclasses, by simple name. */
    private static Class<?> memberClass(Class<?> c, String simpleName) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> m : k.getDeclaredClasses()) {
                if (m.getSimpleName().equals(simpleName)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("no nested suite " + simpleName + " in " + c.getName() + " or its superclasses");
    }

    /** Prints each finished test (and each failed container) with its time and reason. */
    private static final class Lines implements TestExecutionListener {
        private final PrintStream out;
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private final long origin;

        Lines(PrintStream out, long origin) {
            this.out = out;
            this.origin = origin;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            out.printf("SKIP %s - %s%n", name(id), reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            Long t0 = started.remove(id.getUniqueId());
            long now = System.nanoTime();
            String time = String.format("%.1fs @%.1fs", t0 == null ? 0 : (now - t0) / 1e9, (now - origin) / 1e9);
            String why = result.getThrowable().map(t -> " - " + (result.getStatus() == TestExecutionResult.Status.ABORTED
                    ? t.getMessage().replaceFirst("^Assumption failed: ", "") : oneLine(t))).orElse("");
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (id.isTest()) {
                        out.printf("PASS %s %s%n", name(id), time);
                    }
                }
                // an assumption that did not hold: the case cannot run here, and says why
                case ABORTED -> out.printf("SKIP %s %s%s%n", name(id), time, why);
                case FAILED -> out.printf("FAIL %s %s%s%n", name(id), time, why);
            }
            result.getThrowable().filter(t -> result.getStatus() == TestExecutionResult.Status.FAILED)
                    .ifPresent(t -> t.printStackTrace(out));
            out.flush();
        }

        /** Suite.test from the unique id's last two segments' display names. */
        private static String name(TestIdentifier id) {
            String uid = id.getUniqueId();
            String[] parts = uid.split("/");
            StringBuilder b = new StringBuilder();
            for (String p : parts) {
                int colon = p.indexOf(':');
                String value = p.substring(colon + 1, p.length() - 1);
                if (p.startsWith("[nested-class:") || p.startsWith("[method:")) {
                    b.append(b.length() == 0 ? "" : ".").append(value.replaceAll("\\(.*\\)", ""));
                }
            }
            return b.length() == 0 ? id.getDisplayName() : b.toString();
        }

        private static String oneLine(Throwable t) {
            String m = t.getClass().getSimpleName() + ": " + t.getMessage();
            return m.replaceAll("\\s*\\R\\s*", " ").strip();
        }
    }
}
