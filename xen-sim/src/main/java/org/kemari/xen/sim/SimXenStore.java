package org.kemari.xen.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.kemari.xen.Errno;
import org.kemari.xen.XenException;
import org.kemari.xen.XenStore;

/** A connection to the simulated xenstore as domain {@code domid}; relative paths are under its home. */
final class SimXenStore implements XenStore {
    private final XenStoreTree tree;
    private final String home;
    private final LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    SimXenStore(XenStoreTree tree, int domid) {
        this.tree = tree;
        this.home = "/local/domain/" + domid;
    }

    @Override
    public Optional<String> read(String path) {
        return tree.read(path("xs_read", path, false));
    }

    @Override
    public void write(String path, String value) {
        if (value == null) {
            throw new XenException("xs_write", XenException.NO_DOMAIN, Errno.EINVAL, "null value for " + path);
        }
        tree.write(path("xs_write", path, false), value);
    }

    @Override
    public List<String> list(String path) {
        return tree.list(path("xs_directory", path, false));
    }

    @Override
    public void remove(String path) {
        tree.remove("xs_rm", path("xs_rm", path, false));
    }

    @Override
    public void watch(String path, String token) {
        if (token == null || token.isEmpty()) {
            throw new XenException("xs_watch", XenException.NO_DOMAIN, Errno.EINVAL, "empty watch token for " + path);
        }
        boolean relative = !path.startsWith("/") && !path.startsWith("@");
        tree.watch(new XenStoreTree.Watch(path("xs_watch", path, true), token, relative, this));
    }

    @Override
    public void unwatch(String path, String token) {
        tree.unwatch(this, path("xs_unwatch", path, true), token);
    }

    @Override
    public Optional<WatchEvent> readWatch(Duration timeout) {
        open("xs_read_watch");
        try {
            return Optional.ofNullable(events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XenException("xs_read_watch", XenException.NO_DOMAIN, Errno.EINTR, "interrupted");
        }
    }

    @Override
    public void close() {
        closed = true;
        tree.unwatchAll(this);
    }

    /** Called by the tree; a watch set with a relative path reports relative paths, as xenstored does. */
    void queue(String changed, XenStoreTree.Watch w) {
        String reported = changed;
        if (changed.startsWith(home + "/") && w.relative()) {
            reported = changed.substring(home.length() + 1);
        }
        events.add(new WatchEvent(reported, w.token()));
    }

    private String path(String op, String path, boolean watch) {
        open(op);
        return XenStoreTree.canonical(op, path, home, watch);
    }

    private void open(String op) {
        if (closed) {
            throw new XenException(op, XenException.NO_DOMAIN, Errno.EBADF, "xenstore connection is closed");
        }
    }
}
