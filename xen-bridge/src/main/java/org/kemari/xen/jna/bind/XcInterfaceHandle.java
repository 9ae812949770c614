package org.kemari.xen.jna.bind;

import com.sun.jna.PointerType;

/** Opaque xc_interface *, from xc_interface_open. */
public class XcInterfaceHandle extends PointerType {
}
