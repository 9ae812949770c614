package org.kemari.xen.jna;

import java.time.Duration;

import com.sun.jna.Native;

import org.kemari.xen.Errno;
import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.LibC;
import org.kemari.xen.jna.bind.PollFd;

/** Bounded waits on a library's file descriptor, as the Xen libraries intend them to be used. */
final class FdWait {
    private final LibC libc;
    private final LastError errors;

    FdWait(LibC libc, LastError errors) {
        this.libc = libc;
        this.errors = errors;
    }

    /** True once {@code fd} is readable, false if {@code timeout} passed first. */
    boolean readable(int fd, Duration timeout, String operation) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(operation + ": negative timeout " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        PollFd pfd = new PollFd();
        while (true) {
            long left = deadline - System.nanoTime();
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(0, (left + 999_999) / 1_000_000));
            pfd.fd = fd;
            pfd.events = LibC.POLLIN;
            pfd.revents = 0;
            int rc = libc.poll(pfd, 1, millis);
            if (rc > 0) {
                if ((pfd.revents & LibC.POLLNVAL) != 0) {
                    throw new XenException("poll(" + operation + ")", XenException.NO_DOMAIN, Errno.EBADF,
                            "descriptor " + fd + " is not open");
                }
                return true;
            }
            if (rc < 0 && Native.getLastError() != LibC.EINTR) {
                throw errors.of("poll(" + operation + ")", XenException.NO_DOMAIN);
            }
            if (rc == 0 && System.nanoTime() - deadline >= 0) {
                return false;
            }
        }
    }
}
