package org.kemari.xen.jna.bind;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/** libxentoollog.so.1 (xentoollog.h): the logger every Xen tool library writes through. */
public interface XenToolLog extends Library {
    String SONAME = "libxentoollog.so.1";

    /** xentoollog_level: only messages at or above it are written. */
    int XTL_CRITICAL = 9;

    /** {@code f} is a C FILE *; the returned logger starts with a xentoollog_logger. */
    XtlLogger xtl_createlogger_stdiostream(Pointer f, int minLevel, int flags);

    void xtl_logger_destroy(XtlLogger logger);
}
