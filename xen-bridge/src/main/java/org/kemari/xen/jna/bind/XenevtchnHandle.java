package org.kemari.xen.jna.bind;

import com.sun.jna.PointerType;

/** Opaque xenevtchn_handle *, from xenevtchn_open. */
public class XenevtchnHandle extends PointerType {
}
