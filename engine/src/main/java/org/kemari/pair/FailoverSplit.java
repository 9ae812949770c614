package org.kemari.pair;

import java.util.Locale;

/**
 * Where one failover's time went on the secondary, on its monotonic clock: from the primary's
 * last word to the replica running. Logged as one line when the replica is unpaused, so that the
 * bench and an administrator see the same split (docs/failover.md, "Failover time").
 */
final class FailoverSplit {
    private final long lastHeard;
    private final long declared;
    private final boolean waitedForRequest;
    private long leaseTaken;
    private long serving;
    private long devicesAttached;
    private long deviceModelReady;
    private long unpaused;

    /**
     * @param lastHeard        the last byte from the primary (System.nanoTime())
     * @param declared         when the stream was declared ended
     * @param waitedForRequest a receiver run with --manual-failover: the lease stage includes the wait for the request
     */
    FailoverSplit(long lastHeard, long declared, boolean waitedForRequest) {
        this.lastHeard = lastHeard;
        this.declared = declared;
        this.waitedForRequest = waitedForRequest;
    }

    void leaseTaken() {
        leaseTaken = System.nanoTime();
    }

    /** The daemon starts serving the replica as the reversed pair's primary (listener closed, lease re-claimed, event-tap up). */
    void serving() {
        serving = System.nanoTime();
    }

    void devicesAttached() {
        devicesAttached = System.nanoTime();
    }

    void deviceModelReady() {
        deviceModelReady = System.nanoTime();
    }

    void unpaused() {
        unpaused = System.nanoTime();
    }

    /** The line, once the replica runs: every stage in milliseconds, then the total. */
    String line() {
        return String.format(Locale.ROOT, "failover split: detection %s ms (the primary's last word to the stream declared ended),"
                        + " lease %s ms%s, switch to serving %s ms, device model %s ms, device re-attach %s ms, unpause %s ms;"
                        + " %s ms in all",
                ms(lastHeard, declared), ms(declared, leaseTaken), waitedForRequest ? " (with the wait for 'kemari failover')" : "",
                ms(leaseTaken, serving), ms(serving, deviceModelReady), ms(deviceModelReady, devicesAttached),
                ms(devicesAttached, unpaused),
                ms(lastHeard, unpaused));
    }

    private static String ms(long from, long to) {
        return String.format(Locale.ROOT, "%.1f", (to - from) / 1e6);
    }
}
