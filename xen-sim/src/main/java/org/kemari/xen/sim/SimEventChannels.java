package org.kemari.xen.sim;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.kemari.xen.Errno;
import org.kemari.xen.EventChannels;
import org.kemari.xen.XenException;

/**
 * A dom0 event-channel handle, behaving like Linux's /dev/xen/evtchn: a port that fires is
 * masked and queued once; it fires again only after {@link #unmask}, and then only if it was
 * notified meanwhile (all such notifications coalesce into one).
 */
final class SimEventChannels implements EventChannels {
    private final EventChannelModel model;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Integer> fired = new LinkedBlockingQueue<>();
    private final EventChannelModel.Receiver receiver = c -> {
        c.masked = true;
        c.pending = false;
        fired.add(c.port);
    };
    private volatile boolean closed;

    SimEventChannels(EventChannelModel model) {
        this.model = model;
    }

    @Override
    public int bindInterdomain(int remoteDomid, int remotePort) {
        open("xenevtchn_bind_interdomain");
        int port = model.bindInterdomain("xenevtchn_bind_interdomain", 0, remoteDomid, remotePort, receiver);
        owned.add(port);
        return port;
    }

    @Override
    public int bindUnboundPort(int remoteDomid) {
        open("xenevtchn_bind_unbound_port");
        int port = model.allocUnbound("xenevtchn_bind_unbound_port", 0, remoteDomid, receiver);
        owned.add(port);
        return port;
    }

    @Override
    public void notify(int localPort) {
        ours("xenevtchn_notify", localPort);
        model.send("xenevtchn_notify", 0, localPort);
    }

    @Override
    public OptionalInt pending(Duration timeout) {
        open("xenevtchn_pending");
        try {
            Integer port = fired.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return port == null ? OptionalInt.empty() : OptionalInt.of(port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XenException("xenevtchn_pending", 0, Errno.EINTR, "interrupted while waiting for an event");
        }
    }

    @Override
    public void unmask(int localPort) {
        ours("xenevtchn_unmask", localPort);
        model.unmask("xenevtchn_unmask", 0, localPort);
    }

    @Override
    public void unbind(int localPort) {
        ours("xenevtchn_unbind", localPort);
        owned.remove(localPort);
        model.close("xenevtchn_unbind", 0, localPort);
    }

    @Override
    public void close() {
        closed = true;
        for (Integer port : owned) {
            model.close("xenevtchn_close", 0, port);
        }
        owned.clear();
    }

    private void ours(String op, int port) {
        open(op);
        if (!owned.contains(port)) {
            // what the evtchn driver answers for a port this handle did not bind
            throw new XenException(op, 0, Errno.ENOTCONN, "port " + port + " is not bound by this handle");
        }
    }

    private void open(String op) {
        if (closed) {
            throw new XenException(op, 0, Errno.EBADF, "event channel handle is closed");
        }
    }
}
