package org.kemari.xen.jna;

import java.time.Duration;
import java.util.OptionalInt;

import org.kemari.xen.Errno;
import org.kemari.xen.EventChannels;
import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.XenEvtchn;
import org.kemari.xen.jna.bind.XenevtchnHandle;

/** A libxenevtchn handle; {@link #pending} polls its fd so a wait is always bounded. */
final class XenEventChannels implements EventChannels {
    private final XenEvtchn evtchn;
    private final LastError errors;
    private final QuietLogger logger;
    private final FdWait wait;
    private final Object waiter = new Object();
    private final int fd;
    private XenevtchnHandle xce;

    XenEventChannels(XenLibraries libs) {
        this.evtchn = libs.evtchn();
        this.errors = new LastError(libs.libc());
        this.logger = new QuietLogger(libs);
        this.wait = new FdWait(libs.libc(), errors);
        this.xce = evtchn.xenevtchn_open(logger.get(), 0);
        if (xce == null) {
            XenException e = errors.of("xenevtchn_open", XenException.NO_DOMAIN, " (is the xen-evtchn module loaded?)");
            logger.close();
            throw e;
        }
        this.fd = evtchn.xenevtchn_fd(xce);
        if (fd < 0) {
            XenException e = errors.of("xenevtchn_fd", XenException.NO_DOMAIN);
            close();
            throw e;
        }
    }

    @Override
    public synchronized int bindInterdomain(int remoteDomid, int remotePort) {
        return port(evtchn.xenevtchn_bind_interdomain(open(), remoteDomid, remotePort),
                "xenevtchn_bind_interdomain(remote port " + remotePort + ")", remoteDomid);
    }

    @Override
    public synchronized int bindUnboundPort(int remoteDomid) {
        return port(evtchn.xenevtchn_bind_unbound_port(open(), remoteDomid), "xenevtchn_bind_unbound_port", remoteDomid);
    }

    @Override
    public synchronized void notify(int localPort) {
        port(evtchn.xenevtchn_notify(open(), localPort), "xenevtchn_notify(port " + localPort + ")", XenException.NO_DOMAIN);
    }

    /**
     * One waiter at a time (a second could find the fd readable, lose the port to the first and
     * then block in xenevtchn_pending's read); the handle's lock is not held while waiting, so
     * other threads can notify and unmask meanwhile.
     */
    @Override
    public OptionalInt pending(Duration timeout) {
        synchronized (waiter) {
            synchronized (this) {
                open();
            }
            if (!wait.readable(fd, timeout, "xenevtchn_fd")) {
                return OptionalInt.empty();
            }
            synchronized (this) {
                return OptionalInt.of(port(evtchn.xenevtchn_pending(open()), "xenevtchn_pending", XenException.NO_DOMAIN));
            }
        }
    }

    @Override
    public synchronized void unmask(int localPort) {
        port(evtchn.xenevtchn_unmask(open(), localPort), "xenevtchn_unmask(port " + localPort + ")", XenException.NO_DOMAIN);
    }

    @Override
    public synchronized void unbind(int localPort) {
        port(evtchn.xenevtchn_unbind(open(), localPort), "xenevtchn_unbind(port " + localPort + ")", XenException.NO_DOMAIN);
    }

    @Override
    public synchronized void close() {
        if (xce != null) {
            evtchn.xenevtchn_close(xce);
            xce = null;
            logger.close();
        }
    }

    private XenevtchnHandle open() {
        if (xce == null) {
            throw new XenException("xenevtchn", XenException.NO_DOMAIN, Errno.EBADF, "event channel handle is closed");
        }
        return xce;
    }

    private int port(int rc, String function, int domid) {
        if (rc < 0) {
            throw errors.of(function, domid);
        }
        return rc;
    }
}
