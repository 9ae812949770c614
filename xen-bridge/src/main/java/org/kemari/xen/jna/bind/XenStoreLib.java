package org.kemari.xen.jna.bind;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * libxenstore.so.4 (xenstore.h). Returned buffers are malloc'd: release them with
 * {@link LibC#free}. C bool results are {@code byte}: non-zero is true.
 */
public interface XenStoreLib extends Library {
    String SONAME = "libxenstore.so.4";

    /** No transaction (xenstore.h). */
    int XBT_NULL = 0;
    /** Indexes into a watch event (xen/io/xs_wire.h). */
    int XS_WATCH_PATH = 0;
    int XS_WATCH_TOKEN = 1;

    XsHandle xs_open(long flags);

    void xs_close(XsHandle xsh);

    Pointer xs_read(XsHandle h, int t, String path, IntByReference len);

    byte xs_write(XsHandle h, int t, String path, byte[] data, int len);

    /** One malloc'd block: the char * array followed by the strings; free the array only. */
    Pointer xs_directory(XsHandle h, int t, String path, IntByReference num);

    byte xs_rm(XsHandle h, int t, String path);

    byte xs_watch(XsHandle h, String path, String token);

    byte xs_unwatch(XsHandle h, String path, String token);

    int xs_fileno(XsHandle h);

    /**
     * The non-blocking twin of xs_read_watch (which blocks with no timeout): NULL with errno
     * EAGAIN when no event is queued.
     */
    Pointer xs_check_watch(XsHandle h);
}
