package org.kemari.xen;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A xenstore connection (xs_open): enough for device handshakes and domain names. */
public interface XenStore extends AutoCloseable {

    /** The value at {@code path}, or empty if the node does not exist. */
    Optional<String> read(String path);

    void write(String path, String value);

    /** Child names of {@code path}; empty if it has none or does not exist. */
    List<String> list(String path);

    void remove(String path);

    /** Registers a watch; an event for {@code path} is queued at once, as xenstored does. */
    void watch(String path, String token);

    void unwatch(String path, String token);

    /** Waits up to {@code timeout} for a watch event. */
    Optional<WatchEvent> readWatch(Duration timeout);

    @Override
    void close();

    record WatchEvent(String path, String token) {
    }
}
