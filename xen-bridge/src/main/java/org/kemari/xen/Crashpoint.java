package org.kemari.xen;

/**
 * Deterministic crashes for fault-injection runs (docs/reliability.md lists every point). A JVM
 * started with {@code -Dkemari.crashpoint=<name>[:<n>][@<after>]} kills itself with SIGKILL the
 * n-th time (default the first) it reaches the point called {@code name}, counting only visits
 * once point {@code after} has been reached (so "the 10th epoch after the first ACK" does not
 * depend on how long the initial sync took): no shutdown hooks, no END record, nothing flushed —
 * exactly what a power cut or {@code kill -9} leaves behind.
 *
 * <p>The property is read once; with it unset {@link #reach} is a comparison against a null
 * constant, so the points can stay in production code.
 */
public final class Crashpoint {
    private static final String ARMED;
    private static final long NTH;
    private static final String AFTER;
    private static volatile boolean counting;
    private static long reached;

    static {
        String full = System.getProperty("kemari.crashpoint");
        int at = full == null ? -1 : full.indexOf('@');
        AFTER = at < 0 ? null : full.substring(at + 1);
        counting = AFTER == null;
        String spec = at < 0 ? full : full.substring(0, at);
        if (spec == null || spec.isBlank()) {
            ARMED = null;
            NTH = 0;
        } else {
            int colon = spec.lastIndexOf(':');
            long n = 1;
            if (colon > 0) {
                try {
                    n = Long.parseLong(spec.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("-Dkemari.crashpoint=" + spec + ": the count after ':' must be a number");
                }
                if (n < 1) {
                    throw new IllegalArgumentException("-Dkemari.crashpoint=" + spec + ": the count after ':' must be at least 1");
                }
            }
            ARMED = colon > 0 ? spec.substring(0, colon) : spec;
            NTH = n;
        }
    }

    private Crashpoint() {
    }

    /** Whether this JVM will crash at {@code name}; lets a caller split work so the point lies between two halves. */
    public static boolean armed(String name) {
        return ARMED != null && ARMED.equals(name);
    }

    /** Crashes the process here if {@code name} is the armed point and this is its n-th visit. */
    public static void reach(String name) {
        if (ARMED == null) {
            return;
        }
        if (!counting && name.equals(AFTER)) {
            counting = true;
        }
        if (!counting || !ARMED.equals(name)) {
            return;
        }
        synchronized (Crashpoint.class) {
            if (++reached != NTH) {
                return;
            }
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        System.err.println("kemari: crashpoint " + name + " reached (visit " + NTH + "): SIGKILL pid " + pid);
        System.err.flush();
        try {
            new ProcessBuilder("kill", "-9", pid).inheritIO().start().waitFor();
        } catch (Exception e) {
            // no kill(1): halt below is almost as abrupt (it skips hooks and finalisation too)
        }
        Runtime.getRuntime().halt(137);
    }
}
