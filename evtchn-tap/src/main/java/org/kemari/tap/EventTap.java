package org.kemari.tap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.kemari.xen.Crashpoint;

/**
 * Event-tap: the gate between a guest's frontends and the dom0 backends. When a frontend
 * notifies, the tap looks at the requests it produced; a batch holding output (of a tapped
 * device class) is kept from the backend until the replication engine reports an epoch durable
 * that was captured after the tap saw the batch. Rings are FIFO, so a batch of reads behind held
 * output waits too; a batch with nothing held ahead of it passes at once.
 *
 * <p>Release also needs the {@code releaseGate} (the witness lease): a primary that cannot prove
 * it still owns the pair lets nothing out, even for acknowledged epochs.
 */
public final class EventTap {
    private final ReleaseBarrier barrier;
    private final SyncMode mode;
    private final Set<RequestKind.DeviceClass> tapped;
    private final BooleanSupplier releaseGate;
    private final LongSupplier clock;
    private final Map<TappedRing, RingState> rings = new LinkedHashMap<>();
    private final TapStats stats = new TapStats();
    private Throwable failure;

    public EventTap(ReleaseBarrier barrier, SyncMode mode, Set<RequestKind.DeviceClass> tapped,
                    BooleanSupplier releaseGate, LongSupplier nanoClock) {
        this.barrier = barrier;
        this.mode = mode;
        this.tapped = tapped.isEmpty() ? EnumSet.noneOf(RequestKind.DeviceClass.class) : EnumSet.copyOf(tapped);
        this.releaseGate = releaseGate;
        this.clock = nanoClock;
    }

    /** Starts watching {@code ring}; requests already produced are taken as released. */
    public synchronized void attach(TappedRing ring) {
        int prod = ring.requestProducer();
        rings.put(ring, new RingState(prod));
        ring.releaseTo(prod);
    }

    public synchronized void detach(TappedRing ring) {
        rings.remove(ring);
    }

    /**
     * The frontend of {@code ring} notified (or may have: calling this spuriously is harmless).
     * Classifies what is new and either passes it on or holds it for the next durable epoch.
     */
    public void onNotify(TappedRing ring) {
        int observed;
        do {
            observed = observe(ring);
        } while (ring.rearm(observed));
    }

    private int observe(TappedRing ring) {
        CompletableFuture<Long> durable;
        ReleasePoint point;
        synchronized (this) {
            RingState st = state(ring);
            int prod = ring.requestProducer();
            if (prod == st.observed) {
                return prod;
            }
            if (Integer.compareUnsigned(prod - st.released, 1 << 30) > 0) {
                throw new IllegalStateException(ring.name() + ": frontend req_prod " + Integer.toUnsignedString(prod)
                        + " is behind the released index " + Integer.toUnsignedString(st.released) + " (corrupt ring?)");
            }
            List<HeldLog.Held> held = new ArrayList<>();
            for (int i = st.observed; i != prod; i++) {
                RequestKind kind = ring.classify(i);
                if (kind.isOutput() && tapped.contains(kind.device())) {
                    held.add(new HeldLog.Held(i, kind));
                }
            }
            st.observed = prod;
            point = new ReleasePoint(prod, held, clock.getAsLong());
            st.pending.addLast(point);
            if (held.isEmpty()) {
                point.durable = true;
                durable = null;
            } else {
                stats.held(held.size());
                durable = mode.syncsOnOutput() ? barrier.syncNow() : barrier.nextEpoch();
            }
        }
        if (durable == null) {
            pump();
        } else {
            durable.whenComplete((epoch, error) -> settle(point, error));
        }
        return point.index;
    }

    private void settle(ReleasePoint point, Throwable error) {
        synchronized (this) {
            if (error != null) {
                failure = error;
                return;
            }
            point.durable = true;
        }
        Crashpoint.reach("tap.before-release");
        pump();
    }

    /**
     * Releases every durable batch at the head of each ring, if the release gate allows. Called
     * on every ACK, and periodically by the event loop so that output held behind a closed gate
     * flows once the gate opens again.
     */
    public void pump() {
        List<Runnable> releases = new ArrayList<>();
        synchronized (this) {
            if (rings.values().stream().noneMatch(RingState::releasable) || !releaseGate.getAsBoolean()) {
                return;
            }
            long now = clock.getAsLong();
            for (Map.Entry<TappedRing, RingState> e : rings.entrySet()) {
                RingState st = e.getValue();
                int to = st.released;
                while (st.releasable()) {
                    ReleasePoint p = st.pending.removeFirst();
                    to = p.index;
                    if (!p.held.isEmpty()) {
                        stats.released(p.held.size(), now - p.observedAt);
                    }
                }
                if (to != st.released) {
                    st.released = to;
                    TappedRing ring = e.getKey();
                    int index = to;
                    releases.add(() -> ring.releaseTo(index));
                }
            }
        }
        // outside the lock: a backend may take its time, and must not block new notifies
        releases.forEach(Runnable::run);
    }

    /** What is held right now; captured into every epoch while the guest is paused. */
    public synchronized HeldLog heldLog() {
        List<HeldLog.Ring> out = new ArrayList<>();
        for (Map.Entry<TappedRing, RingState> e : rings.entrySet()) {
            RingState st = e.getValue();
            List<HeldLog.Held> held = new ArrayList<>();
            st.pending.forEach(p -> held.addAll(p.held));
            out.add(new HeldLog.Ring(e.getKey().name(), st.released, st.observed, List.copyOf(held)));
        }
        return new HeldLog(List.copyOf(out));
    }

    /** The error that made the engine refuse to release output, or null. */
    public synchronized Throwable failure() {
        return failure;
    }

    public TapStats stats() {
        return stats;
    }

    private RingState state(TappedRing ring) {
        RingState st = rings.get(ring);
        if (st == null) {
            throw new IllegalStateException("ring " + ring.name() + " is not attached to the tap");
        }
        return st;
    }

    private static final class RingState {
        int observed;
        int released;
        final ArrayDeque<ReleasePoint> pending = new ArrayDeque<>();

        RingState(int index) {
            observed = index;
            released = index;
        }

        boolean releasable() {
            return !pending.isEmpty() && pending.peekFirst().durable;
        }
    }

    private static final class ReleasePoint {
        final int index;
        final List<HeldLog.Held> held;
        final long observedAt;
        boolean durable;

        ReleasePoint(int index, List<HeldLog.Held> held, long observedAt) {
            this.index = index;
            this.held = held;
            this.observedAt = observedAt;
        }
    }
}
