package org.kemari.torture;

/**
 * The crash points placed in the primary's code (org.kemari.xen.Crashpoint), with the visit at
 * which a round arms each: steady-state points are hit once per epoch, ACK or release and are
 * counted from the first ACK, so they crash a protected pair mid-stream whatever the initial
 * sync took; initial-sync points crash before protection.
 * docs/reliability.md describes each.
 */
public enum PrimaryCrashPoint {
    MID_PRECOPY("sync.mid-precopy", false, 2),
    BEFORE_EPOCH1("sync.before-epoch1", false, 1),
    BEFORE_HARVEST("sender.before-harvest", true, 10),
    PAUSED("sender.paused", true, 10),
    AFTER_UNPAUSE("sender.after-unpause", true, 10),
    MID_TRANSMIT("sender.mid-transmit", true, 10),
    ACKED("sender.acked", true, 10),
    BEFORE_RELEASE("tap.before-release", true, 20),
    MID_RELEASE("tap.mid-release", true, 20);

    private final String point;
    private final boolean protectedPair;
    private final int defaultVisit;

    PrimaryCrashPoint(String point, boolean protectedPair, int defaultVisit) {
        this.point = point;
        this.protectedPair = protectedPair;
        this.defaultVisit = defaultVisit;
    }

    /** The name {@code -Dkemari.crashpoint} takes. */
    public String point() {
        return point;
    }

    /** True if the pair is protected when the point is reached (a replica exists to fail over to). */
    public boolean protectedPair() {
        return protectedPair;
    }

    public int defaultVisit() {
        return defaultVisit;
    }

    /** Steady-state points count visits from the first ACK on: the secondary holds a replica by then. */
    public String jvmOption(int visit) {
        return "-Dkemari.crashpoint=" + point + ":" + visit + (protectedPair ? "@" + ACKED.point : "");
    }
}
