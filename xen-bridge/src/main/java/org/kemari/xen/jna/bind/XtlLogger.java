package org.kemari.xen.jna.bind;

import com.sun.jna.PointerType;

/** Opaque xentoollog_logger * (or the stdiostream logger that begins with one), from xtl_createlogger_stdiostream. */
public class XtlLogger extends PointerType {
}
