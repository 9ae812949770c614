package org.kemari.xen.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.kemari.xen.Errno;
import org.kemari.xen.XenException;

/**
 * The host's event channels: one port table per domain, with Xen's 2-level ABI limits and
 * state machine (free, unbound for a named remote domain, interdomain). One lock for the
 * whole host keeps both ends of a channel consistent; operations are short.
 *
 * <p>Delivery follows Xen: sending sets the remote port pending; if it was already pending the
 * notification coalesces; a masked port is not delivered until unmasked. What happens on
 * delivery belongs to the receiver ({@link Receiver}): dom0's evtchn device masks the port and
 * queues it for user space; a guest kernel just takes the upcall.
 */
final class EventChannelModel {
    /** Ports per domain with the 2-level ABI on 64-bit (64 selector bits x 64). */
    static final int MAX_PORTS = 4096;

    /** Who receives a bound port's events. */
    interface Receiver {
        /** Called with the model locked when {@code port} fires unmasked. */
        void deliver(Channel channel);
    }

    static final class Channel {
        final int domid;
        final int port;
        Receiver receiver;
        /** For an unbound port: who may bind. For an interdomain one: the other end. */
        int remoteDomid;
        int remotePort;
        boolean interdomain;
        boolean pending;
        boolean masked;

        Channel(int domid, int port) {
            this.domid = domid;
            this.port = port;
        }
    }

    private final Object lock = new Object();
    private final Map<Integer, TreeMap<Integer, Channel>> tables = new HashMap<>();

    void addDomain(int domid) {
        synchronized (lock) {
            tables.putIfAbsent(domid, new TreeMap<>());
        }
    }

    /** Closes every port of a dying domain; the remote ends fall back to unbound, as in Xen. */
    void removeDomain(int domid) {
        synchronized (lock) {
            TreeMap<Integer, Channel> t = tables.get(domid);
            if (t == null) {
                return;
            }
            for (Integer port : t.keySet().toArray(new Integer[0])) {
                close("xc_domain_destroy", domid, port);
            }
            tables.remove(domid);
        }
    }

    int allocUnbound(String op, int domid, int remoteDomid, Receiver receiver) {
        synchronized (lock) {
            Channel c = allocate(op, domid);
            c.remoteDomid = remoteDomid;
            c.receiver = receiver;
            return c.port;
        }
    }

    int bindInterdomain(String op, int domid, int remoteDomid, int remotePort, Receiver receiver) {
        synchronized (lock) {
            TreeMap<Integer, Channel> remote = tables.get(remoteDomid);
            if (remote == null) {
                throw new XenException(op, remoteDomid, Errno.ESRCH, "no such domain to bind to");
            }
            Channel r = remote.get(remotePort);
            if (r == null || r.interdomain || r.remoteDomid != domid) {
                throw new XenException(op, remoteDomid, Errno.EINVAL, "port " + remotePort
                        + " is not an unbound port offered to dom" + domid);
            }
            Channel c = allocate(op, domid);
            c.receiver = receiver;
            link(c, r);
            return c.port;
        }
    }

    void send(String op, int domid, int port) {
        synchronized (lock) {
            Channel c = channel(op, domid, port);
            if (!c.interdomain) {
                return; // Xen silently drops a notification on an unbound port
            }
            Channel r = tables.get(c.remoteDomid).get(c.remotePort);
            raise(r);
        }
    }

    void unmask(String op, int domid, int port) {
        synchronized (lock) {
            Channel c = channel(op, domid, port);
            c.masked = false;
            if (c.pending && c.receiver != null) {
                c.receiver.deliver(c);
            }
        }
    }

    /** The receiver consumed the event: a later send raises it again. */
    void clearPending(int domid, int port) {
        synchronized (lock) {
            TreeMap<Integer, Channel> t = tables.get(domid);
            Channel c = t == null ? null : t.get(port);
            if (c != null) {
                c.pending = false;
            }
        }
    }

    /** EINVAL for a port that is not bound, as EVTCHNOP_close answers for a free port. */
    void close(String op, int domid, int port) {
        synchronized (lock) {
            TreeMap<Integer, Channel> t = tables.get(domid);
            Channel c = t == null ? null : t.remove(port);
            if (c == null) {
                throw new XenException(op, domid, Errno.EINVAL, "port " + port + " is not bound");
            }
            if (c.interdomain) {
                TreeMap<Integer, Channel> rt = tables.get(c.remoteDomid);
                Channel r = rt == null ? null : rt.get(c.remotePort);
                if (r != null) {
                    r.interdomain = false;
                    r.remoteDomid = domid;
                    r.remotePort = 0;
                }
            }
        }
    }

    private void raise(Channel c) {
        if (c.pending) {
            return;
        }
        c.pending = true;
        if (!c.masked && c.receiver != null) {
            c.receiver.deliver(c);
        }
    }

    private static void link(Channel a, Channel b) {
        a.interdomain = true;
        a.remoteDomid = b.domid;
        a.remotePort = b.port;
        b.interdomain = true;
        b.remoteDomid = a.domid;
        b.remotePort = a.port;
    }

    private Channel allocate(String op, int domid) {
        TreeMap<Integer, Channel> t = tables.get(domid);
        if (t == null) {
            throw new XenException(op, domid, Errno.ESRCH, "no such domain");
        }
        int port = 1; // port 0 is reserved, as in Xen
        for (Integer used : t.keySet()) {
            if (used != port) {
                break;
            }
            port++;
        }
        if (port >= MAX_PORTS) {
            throw new XenException(op, domid, Errno.ENOSPC, "all " + (MAX_PORTS - 1) + " event channel ports are in use");
        }
        Channel c = new Channel(domid, port);
        t.put(port, c);
        return c;
    }

    private Channel channel(String op, int domid, int port) {
        TreeMap<Integer, Channel> t = tables.get(domid);
        Channel c = t == null ? null : t.get(port);
        if (c == null) {
            throw new XenException(op, domid, Errno.EINVAL, "port " + port + " is not bound");
        }
        return c;
    }
}
