package org.kemari.disk;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The initial copy of the primary's disk to the secondary, while the guest runs (like pre-copy of
 * memory): chunk after chunk into the write log, asking for an epoch whenever the log holds a
 * budget's worth, so the copy moves at the pace epochs can carry it and memory stays bounded.
 */
final class DiskCopier implements AutoCloseable {
    static final int CHUNK = 1024 * 1024;
    static final long BUDGET = 32L * 1024 * 1024;

    private final DiskWriteLog log;
    private final Runnable requestEpoch;
    private final Consumer<String> report;
    private final Thread thread;

    DiskCopier(DiskWriteLog log, Runnable requestEpoch, Consumer<String> report, String name) {
        this.log = log;
        this.requestEpoch = requestEpoch;
        this.report = report;
        this.thread = new Thread(this::run, "disk copy " + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (log.copyNext(CHUNK)) {
                if (log.pending() >= BUDGET) {
                    requestEpoch.run();
                    if (!log.awaitRoom(BUDGET)) {
                        return;
                    }
                }
            }
            if (log.copyComplete()) {
                // the epoch that carries the last chunk makes the secondary's disk a replica: no need to wait for one
                requestEpoch.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            report.accept("the initial disk copy stopped at byte " + log.copied() + ": " + e
                    + "; the secondary's disk stays incomplete and failover to it is refused");
        }
    }

    /** Waits up to {@code millis} for the copy to end (complete, stopped or failed); true if it has. */
    boolean awaitEnd(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(5000);
    }
}
