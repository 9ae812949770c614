package org.kemari.xen.jna.bind;

import com.sun.jna.PointerType;

/** Opaque xengnttab_handle *, from xengnttab_open. */
public class XengnttabHandle extends PointerType {
}
