package org.kemari.ft.send;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.ft.SyncBarrier;
import org.kemari.ft.compress.LastSentCache;
import org.kemari.ft.compress.PageEncoder;
import org.kemari.ft.compress.PageStore;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageTimes;
import org.kemari.ft.transport.ActivityChannel;
import org.kemari.ft.transport.Link;
import org.kemari.ft.wire.Control;
import org.kemari.ft.wire.ErrorCode;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.Outbox;
import org.kemari.ft.wire.Record;
import org.kemari.ft.wire.RecordReader;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.Role;
import org.kemari.ft.wire.StreamException;
import org.kemari.ft.wire.StreamHeader;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.Crashpoint;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;

/**
 * The primary end of the epoch stream: keeps a running guest replicated on the secondary.
 *
 * <p>{@link #start()} synchronises first — live pre-copy rounds over log-dirty until the dirty
 * set converges or the round limit, then epoch 1 under pause — and returns once epoch 1 is
 * acknowledged. From then on an epoch is taken whenever {@link #requestSync()} asks and at
 * least every {@link SenderConfig#maxInterval()}: pause, harvest, copy into send buffers,
 * capture contexts and contributor records, unpause; transmission and the wait for the ACK
 * overlap the guest running on. Several epochs may be in flight (at most
 * {@link SenderConfig#maxInFlight()}; capture waits beyond that), and durability is
 * signalled strictly in epoch order.
 *
 * <p>Threads: the caller of start() for pre-copy, then one capture, one transmit and one ACK
 * reader thread, and a timer for heartbeats and the secondary's silence. The capture thread
 * sends a small epoch itself when the transmit thread has nothing to send.
 */
public final class EpochSender implements SyncBarrier, AutoCloseable {
    private static final String MID_TRANSMIT = "sender.mid-transmit";
    /** The largest epoch the capture thread sends itself ({@link #transmitInline}). */
    private static final int INLINE_PAGES = 256;
    private final Hypervisor hv;
    private final int domid;
    private final Link link;
    private final SenderConfig config;
    private final Outbox outbox;
    private final List<EpochContributor> contributors = new CopyOnWriteArrayList<>();
    private final Durability durability = new Durability();
    private final Semaphore inFlight;
    private final BlockingQueue<CapturedEpoch> pool;
    private final BlockingQueue<CapturedEpoch> toSend;
    private final ScheduledExecutorService timer;
    private final StageTimes times;
    private final AckClock acks;
    /** Held while an epoch is encoded and written, by whichever thread sends it. */
    private final ReentrantLock transmitting = new ReentrantLock();
    /** Epochs handed to the transmit thread and not yet sent. */
    private final AtomicInteger queued = new AtomicInteger();
    private final Object trigger = new Object();
    private List<CompletableFuture<EpochId>> pendingSyncs = new ArrayList<>();
    private boolean syncRequested;
    /** Capture thread only: whether its last wake-up was a sync request, not the max interval. */
    private boolean triggeredByRequest;
    private SenderListener listener = new SenderListener() { };
    private DomainInfo guest;
    private GrantTables grants;
    private EpochEncoder encoder;
    private Thread captureThread;
    private Thread transmitThread;
    private Thread ackThread;
    private boolean logDirty;
    private volatile boolean stopping;
    private volatile ReplicationException failure;
    private final ActivityChannel in;
    private volatile long lastWritten;
    private long lastCaptured;
    private long precopyPages;
    private long heartbeats;
    private volatile long epochsSent;
    private volatile long pagesSent;
    private volatile long lastPause;
    private volatile long maxPause;

    /**
     * @param link an authenticated connection to the secondary (see {@link org.kemari.ft.transport.Transport})
     */
    public EpochSender(Hypervisor hv, int domid, Link link, SenderConfig config) {
        this(hv, domid, link, config, new StageTimes());
    }

    /** @param times where every epoch's stages are recorded */
    EpochSender(Hypervisor hv, int domid, Link link, SenderConfig config, StageTimes times) {
        this.hv = hv;
        this.domid = domid;
        this.link = link;
        this.config = config;
        this.outbox = new Outbox(link.out());
        this.in = new ActivityChannel(link.in());
        this.inFlight = new Semaphore(config.maxInFlight());
        this.pool = new ArrayBlockingQueue<>(config.maxInFlight());
        this.toSend = new ArrayBlockingQueue<>(config.maxInFlight() + 1);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kemari-sender-heartbeat"));
        this.times = times;
        this.acks = new AckClock(times, config.maxInFlight());
    }

    /** Adds records to every epoch (event-tap log, ring state); before {@link #start()}. */
    public EpochSender addContributor(EpochContributor contributor) {
        contributors.add(contributor);
        return this;
    }

    /** Receives initial-sync progress and the failure report; before {@link #start()}. */
    public EpochSender listener(SenderListener l) {
        this.listener = l;
        return this;
    }

    /**
     * Exchanges headers, pre-copies the guest's memory while it runs, and sends epoch 1.
     * Blocks until epoch 1 is acknowledged, so when it returns the replica is a valid copy.
     *
     * @return epoch 1
     * @throws IOException          if the secondary refuses or the connection fails
     * @throws ReplicationException if replication failed on the way (the message says why)
     */
    public EpochId start() throws IOException {
        try {
            return synchronise();
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage(), e);
            throw e;
        }
    }

    private EpochId synchronise() throws IOException {
        guest = hv.domain(domid);
        StreamHeader ours = new StreamHeader(Role.PRIMARY, config.features() & Features.ALL, guest.type(),
                guest.vcpus(), guest.maxPages(), guest.maxGpfn(), Wire.MAX_RECORD);
        outbox.header(ours);
        StreamHeader theirs = StreamHeader.decode(RecordReader.readHeader(in), Role.SECONDARY);
        RecordReader records = new RecordReader(in, StreamHeader.SIZE, theirs.maxRecord());
        if (theirs.refused()) {
            throw refusal(records.next());
        }
        int accepted = negotiate(ours, theirs);
        encoder = new EpochEncoder(new PageEncoder(accepted,
                new LastSentCache((accepted & Features.XOR_DELTA) != 0 ? config.deltaCachePages() : 0)));
        grants = hv.openGrantTables();
        for (int i = 0; i < config.maxInFlight(); i++) {
            pool.add(new CapturedEpoch());
        }
        ackThread = daemon(() -> readAcks(records), "kemari-sender-acks");
        ackThread.start();
        long period = config.heartbeatInterval().toMillis();
        in.touch();
        timer.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        hv.enableLogDirty(domid);
        logDirty = true;
        DirtyBitmap ram = GuestRam.of(hv, domid, guest.maxGpfn() + 1);
        DirtyBitmap leftover = precopy(ram);
        EpochCapture capture = new EpochCapture(hv, guest, grants, contributors, ram, listener::warning, times);
        captureThread = daemon(() -> captureLoop(capture, leftover), "kemari-sender-capture");
        transmitThread = daemon(this::transmitLoop, "kemari-sender-transmit");
        synchronized (trigger) {
            syncRequested = true;
        }
        CompletableFuture<EpochId> first = durability.await(1);
        Crashpoint.reach("sync.before-epoch1");
        transmitThread.start();
        captureThread.start();
        try {
            EpochId one = first.get();
            listener.progress(new SyncProgress(0, pagesSent, pagesSent, precopyPages + pagesSent, outbox.bytesWritten(),
                    Duration.ZERO));
            return one;
        } catch (ExecutionException e) {
            throw failure != null ? failure : new ReplicationException("initial synchronisation failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for epoch 1 to be acknowledged", e);
        }
    }

    @Override
    public CompletableFuture<EpochId> requestSync() {
        CompletableFuture<EpochId> f = new CompletableFuture<>();
        synchronized (trigger) {
            if (failure != null || stopping) {
                f.completeExceptionally(failure != null ? failure : new ReplicationException("replication is stopping"));
                return f;
            }
            pendingSyncs.add(f);
            syncRequested = true;
            trigger.notifyAll();
        }
        return f;
    }

    @Override
    public CompletableFuture<EpochId> awaitDurable(EpochId epoch) {
        return durability.await(epoch.number());
    }

    @Override
    public EpochId lastDurable() {
        return new EpochId(durability.durable());
    }

    public SenderStats stats() {
        return new SenderStats(epochsSent, pagesSent, outbox.bytesWritten(), Duration.ofNanos(lastPause),
                Duration.ofNanos(maxPause), encoder == null ? java.util.Map.of() : encoder.stats().snapshot());
    }

    /** The counters and the recent time of every stage of the epochs so far (pre-copy not included). */
    public EpochTimings timings() {
        return new EpochTimings(epochsSent, pagesSent, outbox.bytesWritten(), times.summaries());
    }

    /** Why replication stopped, or null while it runs. */
    public ReplicationException failure() {
        return failure;
    }

    /**
     * Stops in order: no new epochs, the ones captured are sent and (for up to the peer timeout)
     * acknowledged, then END. Log-dirty is turned off; the guest keeps running.
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Controlled switchover (docs/ft-transaction.md §6.3): the caller has paused the guest for
     * good. One more epoch takes everything since the previous one; once every captured epoch is
     * acknowledged (within the peer timeout) the stream ends with HANDOVER, and the secondary's
     * replica at the returned epoch is the guest. Otherwise it ends with END and this throws:
     * nothing was handed over and the guest may run on here.
     */
    public EpochId handOver() throws ReplicationException {
        try {
            requestSync().get(config.peerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            stop(false);
            throw new ReplicationException("handover: the final epoch was not acknowledged by " + link.peer() + " within "
                    + config.peerTimeout().toMillis() + " ms; nothing was handed over");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(false);
            throw new ReplicationException("handover interrupted; nothing was handed over");
        }
        if (!stop(true)) {
            throw new ReplicationException("handover: the last epochs were not acknowledged by " + link.peer()
                    + " or the HANDOVER record could not be sent; nothing was handed over");
        }
        return lastDurable();
    }

    /** Stops in order; ends with HANDOVER if asked and every captured epoch is durable. True if it did. */
    private boolean stop(boolean handOver) {
        synchronized (trigger) {
            stopping = true;
            trigger.notifyAll();
        }
        join(captureThread);
        if (transmitThread != null) {
            toSend.add(CapturedEpoch.END);
            join(transmitThread);
        }
        boolean durable = false;
        if (failure == null && lastCaptured > 0) {
            try {
                durability.await(lastCaptured).get(config.peerTimeout().toMillis(), TimeUnit.MILLISECONDS);
                durable = true;
            } catch (ExecutionException | TimeoutException e) {
                // the secondary did not confirm the last epochs; END still tells it we stop on purpose
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean handedOver = false;
        if (failure == null && encoder != null) {
            try {
                outbox.record(handOver && durable ? RecordType.HANDOVER : RecordType.END);
                handedOver = handOver && durable;
            } catch (IOException e) {
                // the connection is gone already; closing is all that is left
            }
        }
        shutdown(new ReplicationException("replication stopped by request"));
        join(ackThread);
        return handedOver;
    }

    /** The secondary's ERROR record as the reason replication cannot go on. */
    private ReplicationException refusal(Record r) throws StreamException {
        if (r.type() != RecordType.ERROR) {
            throw new StreamException(ErrorCode.PROTOCOL, r.typeName(), r.offset(), "expected the ERROR record of a refusal");
        }
        Control.Error err = Control.Error.decode(r);
        return new ReplicationException("secondary " + link.peer() + " refused the stream (" + err.code() + "): " + err.message());
    }

    private int negotiate(StreamHeader ours, StreamHeader theirs) throws StreamException {
        if (!ours.sameShape(theirs)) {
            throw new StreamException(ErrorCode.PROTOCOL, "secondary's stream header", 16,
                    "describes a different guest: " + theirs + " vs " + ours);
        }
        int accepted = theirs.features();
        if ((accepted & ~ours.features()) != 0 || Features.accept(accepted, Features.ALL) != accepted) {
            throw new StreamException(ErrorCode.PROTOCOL, "secondary's stream header", 12,
                    "accepted features " + Integer.toHexString(accepted) + " are not a valid subset of the offered "
                            + Integer.toHexString(ours.features()));
        }
        return accepted;
    }

    /** Live rounds; returns pages harvested but not sent, for epoch 1, or null. */
    private DirtyBitmap precopy(DirtyBitmap ram) throws IOException {
        DirtyBitmap dirty = new DirtyBitmap(guest.maxGpfn() + 1);
        hv.cleanLogDirty(domid, dirty);
        dirty.clear();
        dirty.or(ram);
        PageCopier copier = new PageCopier(hv, domid, times::now);
        PageStore set = new PageStore();
        long total = 0;
        long previous = Long.MAX_VALUE;
        for (int round = 1; ; round++) {
            total = sendRound(round, dirty, copier, set, total);
            precopyPages = total;
            if (round >= config.precopyRounds()) {
                return null;
            }
            hv.cleanLogDirty(domid, dirty);
            dirty.and(ram);
            long count = dirty.cardinality();
            if (count <= config.convergedPages() || count >= previous) {
                return dirty;
            }
            previous = count;
        }
    }

    private long sendRound(int round, DirtyBitmap dirty, PageCopier copier, PageStore set, long totalBefore) throws IOException {
        long roundPages = dirty.cardinality();
        long[] batch = new long[Wire.MAX_BATCH_PAGES];
        long start = System.nanoTime();
        long[] sent = {0};
        int[] n = {0};
        Runnable flush = () -> {
            set.clear();
            copier.copy(batch, n[0], set);
            try {
                outbox.send(encoder.precopy(set));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            encoder.recycle();
            Crashpoint.reach("sync.mid-precopy");
            sent[0] += n[0];
            n[0] = 0;
            long elapsed = System.nanoTime() - start;
            Duration eta = sent[0] == 0 ? Duration.ZERO
                    : Duration.ofNanos((long) (elapsed * ((double) (roundPages - sent[0]) / sent[0])));
            listener.progress(new SyncProgress(round, roundPages, sent[0], totalBefore + sent[0], outbox.bytesWritten(), eta));
        };
        try {
            dirty.forEachSet(pfn -> {
                checkFailed();
                batch[n[0]++] = pfn;
                if (n[0] == batch.length) {
                    flush.run();
                }
            });
            if (n[0] > 0) {
                flush.run();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return totalBefore + sent[0];
    }

    private void captureLoop(EpochCapture capture, DirtyBitmap leftover) {
        DirtyBitmap extra = leftover;
        try {
            while (awaitTrigger()) {
                if (config.groupCommit() && triggeredByRequest) {
                    awaitAcknowledged();
                }
                if (!inFlight.tryAcquire(config.maxInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    continue;
                }
                CapturedEpoch e = pool.poll(config.maxInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (e == null) {
                    inFlight.release();
                    continue;
                }
                e.reset(++lastCaptured);
                synchronized (trigger) {
                    e.syncRequests.addAll(pendingSyncs);
                    pendingSyncs = new ArrayList<>();
                    syncRequested = false;
                }
                // chained before the capture, so that a capture that fails fails these requests too
                for (CompletableFuture<EpochId> f : e.syncRequests) {
                    durability.await(e.epoch).whenComplete((id, t) -> {
                        if (t != null) {
                            f.completeExceptionally(t);
                        } else {
                            f.complete(id);
                        }
                    });
                }
                capture.capture(e, extra);
                Crashpoint.reach("sender.after-unpause");
                extra = null;
                lastPause = e.pausedNanos;
                maxPause = Math.max(maxPause, e.pausedNanos);
                if (!transmitInline(e)) {
                    queued.incrementAndGet();
                    toSend.put(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | OutOfMemoryError e) {
            // out of memory too: a dead capture thread would hold the guest's output for ever, silently
            fail("epoch " + lastCaptured + " capture failed: " + e, e);
        }
    }

    /**
     * Group commit: the epochs captured so far acknowledged first, so that the requests made
     * meanwhile share the next epoch. Bounded by the max interval: a slow ACK must not hold
     * output longer than it would wait for a periodic epoch; a failed sender ends the loop at
     * its next trigger.
     */
    private void awaitAcknowledged() throws InterruptedException {
        long captured = lastCaptured;
        if (durability.durable() >= captured) {
            return;
        }
        try {
            durability.await(captured).get(config.maxInterval().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // captured anyway: the failure is seen by awaitTrigger, the timeout bounds the wait
        }
    }

    /** Waits for a sync request or the max interval ({@link #triggeredByRequest} says which); false once stopping. */
    private boolean awaitTrigger() throws InterruptedException {
        long deadline = System.nanoTime() + config.maxInterval().toNanos();
        synchronized (trigger) {
            while (!syncRequested && !stopping) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(trigger, left);
            }
            triggeredByRequest = syncRequested;
            return !stopping && failure == null;
        }
    }

    /**
     * Sends a small epoch on the capture thread itself when nothing is queued or being sent:
     * one thread hand-off less between an output's capture and its epoch on the wire, which an
     * epoch a held output waits for pays in full. Large epochs still go through the transmit
     * thread, so that capturing the next overlaps sending this one. False if it was not sent here.
     */
    private boolean transmitInline(CapturedEpoch e) throws InterruptedException {
        if (e.pages.count() > INLINE_PAGES || queued.get() != 0 || !transmitting.tryLock()) {
            return false;
        }
        // an epoch the transmit thread took counts in queued until it is sent, so none is pending here
        try {
            transmit(e);
            return true;
        } finally {
            transmitting.unlock();
        }
    }

    private void transmitLoop() {
        try {
            while (true) {
                CapturedEpoch e = toSend.take();
                if (e == CapturedEpoch.END) {
                    return;
                }
                transmitting.lock();
                try {
                    if (!transmit(e)) {
                        return;
                    }
                } finally {
                    queued.decrementAndGet();
                    transmitting.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Encodes and writes one epoch; holds {@link #transmitting}. False if that failed, which fails the sender. */
    private boolean transmit(CapturedEpoch e) throws InterruptedException {
        try {
            long start = times.now();
            List<ByteBuffer> records = encoder.epoch(e);
            long encoded = times.lap(Stage.ENCODE, start);
            lastWritten = e.epoch;
            if (Crashpoint.armed(MID_TRANSMIT) && records.size() > 1) {
                // split only under test, so the crash falls between two records of one epoch
                outbox.send(records.subList(0, records.size() / 2));
                Crashpoint.reach(MID_TRANSMIT);
                outbox.send(records.subList(records.size() / 2, records.size()));
            } else {
                outbox.send(records);
            }
            times.lap(Stage.SEND, encoded);
            acks.sent(e.epoch);
            encoder.recycle();
            epochsSent++;
            pagesSent += e.pages.count();
            pool.put(e);
            return true;
        } catch (IOException | RuntimeException | OutOfMemoryError ex) {
            fail("sending epoch " + lastWritten + " to " + link.peer() + " failed: " + ex.getMessage(), ex);
            return false;
        }
    }

    private void readAcks(RecordReader records) {
        long acked = 0;
        try {
            while (true) {
                Record r = records.next();
                RecordType t = r.type();
                if (t == null || t == RecordType.HEARTBEAT) {
                    continue;
                }
                switch (t) {
                    case ACK -> {
                        long epoch = Control.Ack.decode(r).epoch();
                        if (epoch <= acked || epoch > lastWritten) {
                            throw new StreamException(ErrorCode.PROTOCOL, r.typeName(), r.offset(), "acknowledges epoch "
                                    + Long.toUnsignedString(epoch) + " after " + acked + ", with " + lastWritten + " sent");
                        }
                        Crashpoint.reach("sender.acked");
                        // before the release: a freed permit lets a later epoch take these slots
                        for (long each = acked + 1; each <= epoch; each++) {
                            acks.acked(each);
                        }
                        inFlight.release((int) (epoch - acked));
                        acked = epoch;
                        durability.acked(epoch);
                    }
                    case ERROR -> {
                        ReplicationException refused = refusal(r);
                        fail(refused.getMessage(), null);
                        return;
                    }
                    case END -> {
                        if (!stopping) {
                            fail("secondary " + link.peer() + " ended the stream", null);
                        }
                        return;
                    }
                    default -> throw new StreamException(ErrorCode.PROTOCOL, r.typeName(), r.offset(),
                            "not a record the secondary sends");
                }
            }
        } catch (EOFException e) {
            if (!stopping) {
                fail("secondary " + link.peer() + " closed the connection", e);
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                fail(e instanceof StreamException ? "stream from secondary " + link.peer() + " rejected: " + e.getMessage()
                        : "connection to secondary " + link.peer() + " lost: " + e, e);
            }
        }
    }

    private void tick() {
        long now = System.nanoTime();
        Duration allowed = ActivityChannel.allowedSilence(config.peerTimeout(), config.initialSilence(), durability.durable() > 0);
        if (now - in.lastReadNanos() > allowed.toNanos()) {
            fail("no data from secondary " + link.peer() + " for " + allowed.toMillis() + " ms", null);
            return;
        }
        if (now - outbox.lastWriteNanos() >= config.heartbeatInterval().toNanos()) {
            try {
                outbox.recordIfIdle(RecordType.HEARTBEAT, new Control.Heartbeat(heartbeats++, lastWritten).encode());
            } catch (IOException e) {
                fail("heartbeat to secondary " + link.peer() + " failed: " + e.getMessage(), e);
            }
        }
    }

    private void checkFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    private void fail(String reason, Throwable cause) {
        ReplicationException ex = new ReplicationException(reason, cause);
        synchronized (trigger) {
            if (failure != null || stopping) {
                return;
            }
            failure = ex;
            trigger.notifyAll();
        }
        shutdown(ex);
        listener.failed(reason);
    }

    /** Releases everything; waiters not yet durable fail with {@code cause}. */
    private void shutdown(ReplicationException cause) {
        stopping = true;
        List<CompletableFuture<EpochId>> orphans;
        synchronized (trigger) {
            orphans = pendingSyncs;
            pendingSyncs = new ArrayList<>();
        }
        orphans.forEach(f -> f.completeExceptionally(cause));
        durability.fail(cause);
        timer.shutdownNow();
        try {
            link.close();
        } catch (IOException e) {
            // already broken
        }
        if (transmitThread != null && Thread.currentThread() != transmitThread) {
            transmitThread.interrupt();
        }
        synchronized (this) {
            if (logDirty) {
                logDirty = false;
                try {
                    hv.disableLogDirty(domid);
                } catch (RuntimeException e) {
                    // the domain may be gone; nothing to undo then
                }
            }
            if (grants != null) {
                grants.close();
                grants = null;
            }
        }
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
