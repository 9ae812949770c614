package org.kemari.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Where the cpu time of a measured window went, thread by thread: each live thread's cpu time
 * at the start and at the end, grouped by what the thread does, plus what the JVM spent outside
 * Java threads (garbage collection, compilation) from the process's own cpu time.
 */
final class CpuProfile {
    /** Nanoseconds of cpu per group, wall nanoseconds of the window, and the process's cpu. */
    record Window(Map<String, Long> byGroup, long wallNanos, long processNanos) {
        long nanos(String group) {
            return byGroup.getOrDefault(group, 0L);
        }

        /** The process's cpu that no live Java thread accounts for: the JVM's own work (GC, JIT), threads that ended. */
        long outsideThreads() {
            return Math.max(0, processNanos - byGroup.values().stream().mapToLong(Long::longValue).sum());
        }

        /** Each group in cpus (cpu time / wall time), the largest first. */
        String shares() {
            StringJoiner j = new StringJoiner(", ");
            byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() * 100 >= wallNanos)
                    .forEach(e -> j.add(String.format(Locale.ROOT, "%s %.2f", e.getKey(), (double) e.getValue() / wallNanos)));
            j.add(String.format(Locale.ROOT, "the JVM's own and ended threads (GC, JIT) %.2f", (double) outsideThreads() / wallNanos));
            return j.toString();
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Function<String, String> group;
    private final Map<Long, Long> startCpu = new HashMap<>();
    private final long startWall;
    private final long startProcess;

    /** Starts a window; {@code group} names what a thread (by its name) does. */
    CpuProfile(Function<String, String> group) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure per-thread cpu time");
        }
        THREADS.setThreadCpuTimeEnabled(true);
        this.group = group;
        for (long id : THREADS.getAllThreadIds()) {
            startCpu.put(id, THREADS.getThreadCpuTime(id));
        }
        startProcess = processCpu();
        startWall = System.nanoTime();
    }

    /** Ends the window. Threads that started during it count from zero; threads that ended are lost (none should). */
    Window end() {
        long wall = System.nanoTime() - startWall;
        long process = processCpu() - startProcess;
        Map<String, Long> byGroup = new LinkedHashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (cpu < 0 || info == null) {
                continue;
            }
            long used = cpu - startCpu.getOrDefault(id, 0L);
            byGroup.merge(group.apply(info.getThreadName()), used, Long::sum);
        }
        return new Window(byGroup, wall, process);
    }

    private static long processCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report its process cpu time");
    }
}
