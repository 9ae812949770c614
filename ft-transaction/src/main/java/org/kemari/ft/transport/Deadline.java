package org.kemari.ft.transport;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a connection if a phase (a handshake) is not over in time. Blocking socket channels
 * ignore SO_TIMEOUT, and closing is the one portable way to end a blocked read.
 */
final class Deadline implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kemari-deadline");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledFuture<?> task;
    private final AtomicBoolean expired = new AtomicBoolean();

    Deadline(Duration timeout, Closeable victim) {
        task = TIMER.schedule(() -> {
            expired.set(true);
            try {
                victim.close();
            } catch (IOException ignored) {
                // closing is all we wanted; the blocked reader reports the failure
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean expired() {
        return expired.get();
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
