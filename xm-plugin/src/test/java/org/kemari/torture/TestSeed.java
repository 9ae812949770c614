package org.kemari.torture;

/**
 * The seed of a randomized test. It is printed on every run, not only in a failure's message:
 * a run that passed by luck, or failed in a way no assertion names (a hang, a timeout, a crashed
 * fork), can be replayed too, with {@code -Dkemari.seed=N}.
 */
final class TestSeed {
    static final String PROPERTY = "kemari.seed";

    private TestSeed() {
    }

    /** The seed {@code test} runs with: -Dkemari.seed if set, else a fresh one. */
    static long of(String test) {
        String given = System.getProperty(PROPERTY, "").strip();
        long seed = given.isEmpty() ? System.nanoTime() : Long.parseLong(given);
        System.out.println(test + ": seed " + seed + (given.isEmpty() ? "" : " (from -D" + PROPERTY + ")")
                + "; replay with -D" + PROPERTY + "=" + seed);
        return seed;
    }
}
