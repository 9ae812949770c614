package org.kemari.tap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.kemari.ring.BackendFence;
import org.kemari.ring.RequestGate;
import org.kemari.ring.RingBackend;
import org.kemari.xen.Crashpoint;

/**
 * Puts an {@link EventTap} between frontends and ringsync backends: it is the {@link RequestGate}
 * the event dispatcher calls when a frontend notifies. Released requests are served on one
 * release thread, not on the thread that delivered the ACK, so a slow disk flush never delays
 * the acknowledgement of the next epoch; one thread also keeps releases in ring order. Every
 * release is served behind the gate's {@link BackendFence}, which the epoch capture shuts
 * while it copies the guest.
 */
public final class TapGate implements RequestGate, AutoCloseable {
    private static final String MID_RELEASE = "tap.mid-release";
    private final EventTap tap;
    private final Map<RingBackend, BackendRing> rings = new ConcurrentHashMap<>();
    private final BackendFence fence = new BackendFence();
    private final ExecutorService releaser = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kemari-tap-release");
        t.setDaemon(true);
        return t;
    });

    public TapGate(EventTap tap) {
        this.tap = tap;
    }

    /** Taps {@code backend}, whose requests belong to device class {@code device}. */
    public void attach(RingBackend backend, RequestKind.DeviceClass device) {
        BackendRing ring = new BackendRing(backend, device);
        if (rings.putIfAbsent(backend, ring) != null) {
            throw new IllegalStateException(backend.ring().name() + " is already tapped");
        }
        tap.attach(ring);
    }

    @Override
    public void requestsPublished(RingBackend backend) {
        BackendRing ring = rings.get(backend);
        if (ring == null) {
            throw new IllegalStateException(backend.ring().name() + " notified the tap but was never attached");
        }
        tap.onNotify(ring);
    }

    public EventTap tap() {
        return tap;
    }

    /** What the epoch capture shuts so that no released request is served while it copies the guest. */
    public BackendFence fence() {
        return fence;
    }

    /** Stops releasing; requests still held stay unserved (the replica will replay them). */
    @Override
    public void close() {
        releaser.shutdownNow();
        try {
            releaser.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One backend's ring as the tap sees it. A ringsync backend is driven by one thread at a
     * time, and the dispatcher's peeks and the releaser's consumption would otherwise race, so
     * every access holds the backend's monitor.
     */
    private final class BackendRing implements TappedRing {
        private final RingBackend backend;
        private final RequestKind output;
        private final RequestKind input;

        BackendRing(RingBackend backend, RequestKind.DeviceClass device) {
            this.backend = backend;
            this.output = device == RequestKind.DeviceClass.BLOCK ? RequestKind.BLOCK_OUTPUT : RequestKind.NET_OUTPUT;
            this.input = device == RequestKind.DeviceClass.BLOCK ? RequestKind.BLOCK_INPUT : RequestKind.NET_INPUT;
        }

        @Override
        public String name() {
            return backend.ring().name();
        }

        @Override
        public int requestProducer() {
            synchronized (backend) {
                return backend.ring().requestProducer();
            }
        }

        @Override
        public RequestKind classify(int index) {
            synchronized (backend) {
                return backend.isOutgoing(index) ? output : input;
            }
        }

        @Override
        public boolean rearm(int observed) {
            synchronized (backend) {
                return backend.ring().finalCheckForRequestsFrom(observed);
            }
        }

        @Override
        public void releaseTo(int index) {
            // the fence before the monitor: a release waiting at the fence must not keep the
            // dispatcher (which peeks under the monitor) from the tap the capture reads
            releaser.execute(() -> fence.writing(() -> {
                synchronized (backend) {
                    int cons = backend.ring().requestConsumer();
                    if (Crashpoint.armed(MID_RELEASE) && index - cons > 1) {
                        // split only under test, so the crash falls inside one released batch
                        backend.processUpTo(cons + (index - cons) / 2);
                    }
                    // released by the tap, not yet (all) performed by the backend
                    Crashpoint.reach(MID_RELEASE);
                    if (index - backend.ring().requestConsumer() > 0) {
                        backend.processUpTo(index);
                    }
                }
            }));
        }
    }
}
