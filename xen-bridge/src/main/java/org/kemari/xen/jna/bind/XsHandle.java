package org.kemari.xen.jna.bind;

import com.sun.jna.PointerType;

/** Opaque struct xs_handle *, from xs_open. */
public class XsHandle extends PointerType {
}
