package org.kemari.xen.jna;

import org.kemari.xen.jna.bind.XenToolLog;
import org.kemari.xen.jna.bind.XtlLogger;

/**
 * A xentoollog logger that only lets critical messages through. Without one every library
 * logs each failed call to stderr, which doubles what the XenException already says and
 * floods the console for expected failures (a lookup of a gone domain, EOPNOTSUPP probes).
 */
final class QuietLogger implements AutoCloseable {
    private final XenToolLog xtl;
    private XtlLogger logger;

    QuietLogger(XenLibraries libs) {
        this.xtl = libs.xtl();
        this.logger = xtl.xtl_createlogger_stdiostream(libs.stderr(), XenToolLog.XTL_CRITICAL, 0);
    }

    /** Null (the libraries' default stderr logger) if creating it failed. */
    XtlLogger get() {
        return logger;
    }

    @Override
    public void close() {
        if (logger != null) {
            xtl.xtl_logger_destroy(logger);
            logger = null;
        }
    }
}
