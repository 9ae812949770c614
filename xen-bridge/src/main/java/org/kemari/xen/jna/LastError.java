package org.kemari.xen.jna;

import com.sun.jna.Native;

import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.LibC;

/** Turns a failed C call into the API's exception: function name, domain, errno, strerror. */
final class LastError {
    private final LibC libc;

    LastError(LibC libc) {
        this.libc = libc;
    }

    /** Must be called right after the failing call, on the same thread (errno is per-thread). */
    XenException of(String function, int domid) {
        return of(function, domid, Native.getLastError(), "");
    }

    XenException of(String function, int domid, String hint) {
        return of(function, domid, Native.getLastError(), hint);
    }

    XenException of(String function, int domid, int errno, String hint) {
        String text = errno == 0 ? "failed without setting errno" : libc.strerror(errno);
        return new XenException(function, domid, errno, text + hint);
    }
}
