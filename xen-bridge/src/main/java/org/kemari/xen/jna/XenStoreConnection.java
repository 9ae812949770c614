package org.kemari.xen.jna;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import org.kemari.xen.Errno;
import org.kemari.xen.XenException;
import org.kemari.xen.XenStore;
import org.kemari.xen.jna.bind.LibC;
import org.kemari.xen.jna.bind.XenStoreLib;
import org.kemari.xen.jna.bind.XsHandle;

/** A libxenstore connection outside any transaction. */
final class XenStoreConnection implements XenStore {
    private final XenStoreLib xs;
    private final LibC libc;
    private final LastError errors;
    private final FdWait wait;
    private XsHandle h;

    XenStoreConnection(XenLibraries libs) {
        this.xs = libs.xs();
        this.libc = libs.libc();
        this.errors = new LastError(libc);
        this.wait = new FdWait(libc, errors);
        this.h = xs.xs_open(0);
        if (h == null) {
            throw errors.of("xs_open", XenException.NO_DOMAIN, " (is xenstored running?)");
        }
    }

    @Override
    public synchronized Optional<String> read(String path) {
        IntByReference len = new IntByReference();
        Pointer p = xs.xs_read(open(), XenStoreLib.XBT_NULL, path, len);
        if (p == null) {
            return absentOr("xs_read(" + path + ")", Optional.empty());
        }
        try {
            return Optional.of(new String(p.getByteArray(0, len.getValue()), StandardCharsets.UTF_8));
        } finally {
            libc.free(p);
        }
    }

    @Override
    public synchronized void write(String path, String value) {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        if (xs.xs_write(open(), XenStoreLib.XBT_NULL, path, data, data.length) == 0) {
            throw errors.of("xs_write(" + path + ")", XenException.NO_DOMAIN);
        }
    }

    @Override
    public synchronized List<String> list(String path) {
        IntByReference num = new IntByReference();
        Pointer vec = xs.xs_directory(open(), XenStoreLib.XBT_NULL, path, num);
        if (vec == null) {
            return absentOr("xs_directory(" + path + ")", List.of());
        }
        try {
            List<String> names = new ArrayList<>(num.getValue());
            for (Pointer name : vec.getPointerArray(0, num.getValue())) {
                names.add(name.getString(0, StandardCharsets.UTF_8.name()));
            }
            return names;
        } finally {
            libc.free(vec);
        }
    }

    /** Removing what is already gone succeeds: the caller's goal holds. */
    @Override
    public synchronized void remove(String path) {
        if (xs.xs_rm(open(), XenStoreLib.XBT_NULL, path) == 0) {
            absentOr("xs_rm(" + path + ")", null);
        }
    }

    @Override
    public synchronized void watch(String path, String token) {
        if (xs.xs_watch(open(), path, token) == 0) {
            throw errors.of("xs_watch(" + path + ", " + token + ")", XenException.NO_DOMAIN);
        }
    }

    @Override
    public synchronized void unwatch(String path, String token) {
        if (xs.xs_unwatch(open(), path, token) == 0) {
            throw errors.of("xs_unwatch(" + path + ", " + token + ")", XenException.NO_DOMAIN);
        }
    }

    /**
     * xs_check_watch first (events can be queued while the fd is not readable, as xenstore.h
     * warns), then a bounded poll on xs_fileno and another check, until the deadline.
     */
    @Override
    public Optional<WatchEvent> readWatch(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int fd;
        synchronized (this) {
            fd = xs.xs_fileno(open());
            if (fd < 0) {
                throw errors.of("xs_fileno", XenException.NO_DOMAIN);
            }
        }
        while (true) {
            Optional<WatchEvent> event = checkWatch();
            if (event.isPresent()) {
                return event;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !wait.readable(fd, Duration.ofNanos(left), "xs_fileno")) {
                return checkWatch();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (h != null) {
            xs.xs_close(h);
            h = null;
        }
    }

    private synchronized Optional<WatchEvent> checkWatch() {
        Pointer vec = xs.xs_check_watch(open());
        if (vec == null) {
            int errno = Native.getLastError();
            if (errno == LibC.EAGAIN) {
                return Optional.empty();
            }
            throw errors.of("xs_check_watch", XenException.NO_DOMAIN, errno, "");
        }
        try {
            Pointer[] strings = vec.getPointerArray(0, 2);
            return Optional.of(new WatchEvent(strings[XenStoreLib.XS_WATCH_PATH].getString(0, "UTF-8"),
                    strings[XenStoreLib.XS_WATCH_TOKEN].getString(0, "UTF-8")));
        } finally {
            libc.free(vec);
        }
    }

    /** ENOENT means "not there", which each caller turns into its own empty answer. */
    private <T> T absentOr(String function, T absent) {
        int errno = Native.getLastError();
        if (errno == Errno.ENOENT) {
            return absent;
        }
        throw errors.of(function, XenException.NO_DOMAIN, errno, "");
    }

    private XsHandle open() {
        if (h == null) {
            throw new XenException("xenstore", XenException.NO_DOMAIN, Errno.EBADF, "xenstore connection is closed");
        }
        return h;
    }
}
