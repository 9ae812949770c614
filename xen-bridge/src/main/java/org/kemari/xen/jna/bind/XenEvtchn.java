package org.kemari.xen.jna.bind;

import com.sun.jna.Library;

/** libxenevtchn.so.1 (xenevtchn.h). Ports and xenevtchn_port_or_error_t are C int-sized. */
public interface XenEvtchn extends Library {
    String SONAME = "libxenevtchn.so.1";

    XenevtchnHandle xenevtchn_open(XtlLogger logger, int openFlags);

    int xenevtchn_close(XenevtchnHandle xce);

    int xenevtchn_fd(XenevtchnHandle xce);

    int xenevtchn_notify(XenevtchnHandle xce, int port);

    int xenevtchn_bind_unbound_port(XenevtchnHandle xce, int domid);

    int xenevtchn_bind_interdomain(XenevtchnHandle xce, int domid, int remotePort);

    int xenevtchn_unbind(XenevtchnHandle xce, int port);

    int xenevtchn_pending(XenevtchnHandle xce);

    int xenevtchn_unmask(XenevtchnHandle xce, int port);
}
