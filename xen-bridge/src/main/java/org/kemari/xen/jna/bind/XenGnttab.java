package org.kemari.xen.jna.bind;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/** libxengnttab.so.1 (xengnttab.h): mapping pages other domains granted to us. */
public interface XenGnttab extends Library {
    String SONAME = "libxengnttab.so.1";

    XengnttabHandle xengnttab_open(XtlLogger logger, int openFlags);

    int xengnttab_close(XengnttabHandle xgt);

    Pointer xengnttab_map_grant_ref(XengnttabHandle xgt, int domid, int ref, int prot);

    int xengnttab_unmap(XengnttabHandle xgt, Pointer startAddress, int count);
}
