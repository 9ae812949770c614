package org.kemari.xen.jna.bind;

import com.sun.jna.PointerType;

/** Opaque xenforeignmemory_resource_handle *, from xenforeignmemory_map_resource. */
public class XenforeignmemoryResourceHandle extends PointerType {
}
