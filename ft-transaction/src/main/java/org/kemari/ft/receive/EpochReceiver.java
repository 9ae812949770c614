package org.kemari.ft.receive;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kemari.ft.EpochConsumer;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.receive.ReceiverOutcome.Kind;
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
import org.kemari.xen.DomainConfig;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenException;

/**
 * The secondary end of the epoch stream. On {@link #start()} it reads the primary's header,
 * creates a paused replica domain of the same shape, and from then on buffers each epoch
 * whole, applies it to the replica only when its commit checks out, hands the opaque records
 * to the {@link EpochConsumer}s, and acknowledges it. A torn, corrupt, truncated or
 * out-of-order epoch is discarded whole, so the replica always stays exactly at the last
 * committed epoch. The replica is never unpaused or destroyed here: that is failover's call.
 *
 * <p>How the stream ended is reported once through {@link #outcome()}: {@code PRIMARY_LOST}
 * (connection closed without END, or no data for the primary timeout) is the failover trigger.
 */
public final class EpochReceiver implements AutoCloseable {
    private final Hypervisor hv;
    private final ReplicaFactory replicas;
    private final Link link;
    private final ReceiverConfig config;
    private final Outbox outbox;
    private final List<EpochConsumer> consumers = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ReceiverOutcome> outcome = new CompletableFuture<>();
    private final ScheduledExecutorService timer;
    private final Thread reader;
    private final ActivityChannel in;
    private final StageTimes times = new StageTimes();
    private volatile long pagesCommitted;
    private volatile boolean silent;
    /** The reader is working on what it read (replica creation, applying an epoch), not waiting for the primary. */
    private volatile boolean busy;
    private volatile boolean closing;
    private volatile int replicaDomid = -1;
    private volatile long lastCommitted;
    private volatile boolean answered;
    private long heartbeats;

    public EpochReceiver(Hypervisor hv, Link link, ReceiverConfig config) {
        this(hv, ReplicaFactory.of(hv), link, config);
    }

    /** @param replicas makes the replica domain once the primary's header tells its shape */
    public EpochReceiver(Hypervisor hv, ReplicaFactory replicas, Link link, ReceiverConfig config) {
        this.hv = hv;
        this.replicas = replicas;
        this.link = link;
        this.config = config;
        this.outbox = new Outbox(link.out());
        this.in = new ActivityChannel(link.in());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kemari-receiver-heartbeat"));
        this.reader = daemon(this::run, "kemari-receiver " + link.peer());
    }

    /** Registers a consumer of the opaque records; before {@link #start()}. */
    public EpochReceiver addConsumer(EpochConsumer consumer) {
        consumers.add(consumer);
        return this;
    }

    /** Starts receiving on a background thread. */
    public void start() {
        long period = config.heartbeatInterval().toMillis();
        in.touch();
        timer.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        reader.start();
    }

    /** Completes once, when the stream has ended for whatever reason. */
    public CompletableFuture<ReceiverOutcome> outcome() {
        return outcome;
    }

    /** The replica's domain id, or -1 before the primary's header arrived. */
    /** When the last byte from the primary arrived (System.nanoTime()): where a failover's detection starts. */
    public long lastHeardNanos() {
        return in.lastReadNanos();
    }

    public int replicaDomid() {
        return replicaDomid;
    }

    /** The epoch the replica holds; {@link EpochId#NONE} before the first commit. */
    public EpochId lastCommitted() {
        return new EpochId(lastCommitted);
    }

    /** The counters and the recent apply times of the epochs committed so far. */
    public EpochTimings timings() {
        return new EpochTimings(times.count(Stage.APPLY), pagesCommitted, in.bytesRead(), times.summaries());
    }

    /** Stops receiving; an open epoch is discarded. The replica domain stays as it is. */
    @Override
    public void close() {
        closing = true;
        closeLink();
        timer.shutdownNow();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        EpochAssembler assembler = null;
        HypervisorReplica replica = null;
        RecordReader records = null;
        try {
            StreamHeader primary = StreamHeader.decode(RecordReader.readHeader(in), Role.PRIMARY);
            int accepted = Features.accept(primary.features(), config.features());
            busy = true;
            replica = createReplica(primary);
            outbox.header(primary.answer(accepted));
            answered = true;
            assembler = new EpochAssembler(primary, accepted, replica);
            records = new RecordReader(in, StreamHeader.SIZE, Math.min(config.maxRecord(), primary.maxRecord()));
            while (true) {
                Record r;
                in.touch();
                busy = false;
                try {
                    r = records.next();
                } catch (StreamException e) {
                    throw assembler.locate(e);
                }
                busy = true;
                switch (assembler.accept(r)) {
                    case COMMIT -> commit(assembler, replica);
                    case END -> {
                        finish(Kind.ENDED, "primary ended the stream at offset " + r.offset());
                        return;
                    }
                    case HANDOVER -> {
                        finish(Kind.HANDED_OVER, "primary handed the guest over at offset " + r.offset());
                        return;
                    }
                    case CONTINUE -> { }
                }
            }
        } catch (EOFException e) {
            // a TLS socket closed by our own watchdog or close() reads as end of stream
            ended(assembler, "connection closed by " + link.peer() + " without END");
        } catch (StreamException e) {
            if (in.ended()) {
                // cut off inside a record: the primary died mid-epoch (the common case, transmission
                // is most of an epoch's life); the torn epoch is discarded and the replica is valid
                ended(assembler, "connection closed by " + link.peer() + " inside a record (" + e.getMessage() + ")");
                return;
            }
            refuse(e);
            finish(Kind.STREAM_REJECTED, "stream from " + link.peer() + " rejected: " + e.getMessage() + torn(assembler));
        } catch (XenException e) {
            refuse(new StreamException(ErrorCode.REPLICA, null, StreamException.UNKNOWN, e.getMessage()));
            finish(Kind.REPLICA_FAILED, "replica update failed: " + e.getMessage());
        } catch (RuntimeException e) {
            refuse(new StreamException(ErrorCode.REPLICA, null, StreamException.UNKNOWN, e.toString()));
            finish(closing ? Kind.CLOSED : Kind.REPLICA_FAILED, "receiver failed"
                    + (assembler != null && assembler.inEpoch() ? " in epoch " + assembler.openEpoch() : "")
                    + ", replica state uncertain: " + e);
        } catch (IOException e) {
            ended(assembler, "connection to " + link.peer() + " lost: " + e);
        } finally {
            if (replica != null) {
                replica.close();
            }
        }
    }

    /** The stream stopped without END: closed here, timed out here, or lost. */
    private void ended(EpochAssembler assembler, String otherwise) {
        if (closing) {
            finish(Kind.CLOSED, "receiver closed" + torn(assembler));
        } else if (silent) {
            finish(Kind.PRIMARY_LOST, "no data from " + link.peer() + " for " + silenceAllowed().toMillis()
                    + " ms" + torn(assembler));
        } else {
            finish(Kind.PRIMARY_LOST, otherwise + torn(assembler));
        }
    }

    private HypervisorReplica createReplica(StreamHeader primary) {
        int domid = replicas.create(new DomainConfig(config.replicaName(), primary.domainType(),
                primary.maxPages(), primary.vcpus()));
        replicaDomid = domid;
        // frames the primary has beyond the replica's (its physmap grew after boot) are populated
        // when an epoch first writes them, so a smaller maxGpfn here is not a mismatch
        return new HypervisorReplica(hv, domid);
    }

    private void commit(EpochAssembler assembler, HypervisorReplica replica) throws IOException {
        StagedEpoch epoch = assembler.staged();
        for (OpaqueRecord o : epoch.opaque) {
            if (consumers.stream().noneMatch(c -> c.consumes(o.kind()))) {
                throw new StreamException(ErrorCode.UNSUPPORTED, o.kind().recordType().name(), StreamException.UNKNOWN,
                        "epoch " + epoch.epoch + " carries " + o.kind()
                                + " records but nothing on this secondary consumes them, so it could not fail over with them");
            }
        }
        long start = times.now();
        replica.apply(epoch);
        EpochId id = new EpochId(epoch.epoch);
        for (EpochConsumer c : consumers) {
            // a consumer that throws lands in run()'s RuntimeException branch: REPLICA_FAILED,
            // since the replica already holds this epoch but its owner did not take all of it
            c.committed(id, List.copyOf(epoch.opaque));
        }
        assembler.committed();
        lastCommitted = epoch.epoch;
        pagesCommitted += epoch.pages.count();
        times.lap(Stage.APPLY, start);
        outbox.record(RecordType.ACK, new Control.Ack(epoch.epoch).encode());
    }

    private String torn(EpochAssembler assembler) {
        return assembler != null && assembler.inEpoch()
                ? "; incomplete epoch " + assembler.openEpoch() + " discarded, replica stays at epoch " + lastCommitted
                : "";
    }

    /** Tells the primary why, if the line still works; the stream is over either way. */
    private void refuse(StreamException e) {
        try {
            if (!answered) {
                outbox.header(StreamHeader.refusal());
            }
            outbox.record(RecordType.ERROR, new Control.Error(e.code(), e.getMessage()).encode());
        } catch (IOException | RuntimeException ignored) {
            // the primary may be gone already; the outcome carries the reason
        }
    }

    private Duration silenceAllowed() {
        return ActivityChannel.allowedSilence(config.primaryTimeout(), config.initialSilence(), lastCommitted > 0);
    }

    private void tick() {
        long now = System.nanoTime();
        // silence counts only while we wait for the primary: a slow replica update here (a cold
        // JVM applying the first full epoch on a loaded host) is not the primary going quiet
        if (!busy && now - in.lastReadNanos() > silenceAllowed().toNanos()) {
            silent = true;
            closeLink();
            return;
        }
        // not before our stream header is out: a heartbeat ahead of it reads as a foreign protocol
        if (now - outbox.lastWriteNanos() >= config.heartbeatInterval().toNanos() && answered) {
            try {
                outbox.recordIfIdle(RecordType.HEARTBEAT, new Control.Heartbeat(heartbeats++, lastCommitted).encode());
            } catch (IOException e) {
                closeLink();
            }
        }
    }

    private void finish(Kind kind, String reason) {
        outcome.complete(new ReceiverOutcome(kind, reason, replicaDomid, new EpochId(lastCommitted)));
        timer.shutdownNow();
        closeLink();
    }

    private void closeLink() {
        try {
            link.close();
        } catch (IOException ignored) {
            // already broken; nothing more to release
        }
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

}
