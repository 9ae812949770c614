package org.kemari.xen.jna.bind;

import com.sun.jna.PointerType;

/** Opaque xenforeignmemory_handle *, from xenforeignmemory_open. */
public class XenforeignmemoryHandle extends PointerType {
}
