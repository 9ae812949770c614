package org.kemari.ft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.receive.ReceiverConfig;
import org.kemari.ft.receive.ReceiverOutcome;
import org.kemari.ft.receive.ReplicaFactory;
import org.kemari.ft.send.EpochSender;
import org.kemari.ft.send.SenderConfig;
import org.kemari.ft.send.SenderListener;
import org.kemari.ft.send.SyncProgress;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageSummary;
import org.kemari.ft.transport.TestKeystores;
import org.kemari.ft.transport.TransportConfig;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.PageEncoding;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/** A guest on one simulated host replicated over loopback TCP to a paused replica on another. */
@Timeout(60)
class ReplicationTest {
    private static final byte[] PSK = "0123456789abcdef0123456789abcdef".getBytes();
    private final SimHost primaryHost = new SimHost();
    private final SimHost secondaryHost = new SimHost();
    private final Hypervisor primary = primaryHost.open();
    private final Hypervisor secondary = secondaryHost.open();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        primaryHost.close();
        secondaryHost.close();
    }

    private EpochReceiver receiver(LinkPair links, int features) {
        EpochReceiver rx = new EpochReceiver(secondary, links.secondary(),
                ReceiverConfig.defaults("guest-replica").withFeatures(features));
        cleanup.add(rx);
        return rx;
    }

    private EpochSender sender(int domid, LinkPair links, SenderConfig config) {
        EpochSender tx = new EpochSender(primary, domid, links.primary(), config);
        cleanup.add(tx);
        return tx;
    }

    @Test
    void runningGuestIsReplicatedEpochAfterEpochAndTheReplicaContinuesIdentically() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withMemoryMiB(16).withVcpus(2)
                .withWorkingSetPages(1024).withStepsPerSecond(20_000));
        LinkPair links = LinkPair.open(TransportConfig.psk(PSK));
        List<String> opaqueSeen = new ArrayList<>();
        EpochReceiver rx = receiver(links, Features.ALL)
                .addConsumer((epoch, records) -> opaqueSeen.add(epoch.number() + ":" + new String(records.get(0).payload())));
        rx.start();
        List<SyncProgress> progress = new ArrayList<>();
        EpochSender tx = sender(dom, links, SenderConfig.defaults().withMaxInterval(Duration.ofMillis(20)))
                .addContributor(epoch -> List.of(new OpaqueRecord(OpaqueRecord.Kind.EVENT_TAP_LOG,
                        ("log" + epoch.number()).getBytes())))
                .listener(new SenderListener() {
                    @Override
                    public void progress(SyncProgress p) {
                        progress.add(p);
                    }
                });

        assertThat(tx.start()).isEqualTo(new EpochId(1));
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(0).round()).isEqualTo(1);
        assertThat(progress.get(0).roundPages()).isEqualTo(primary.domain(dom).maxGpfn() + 1);
        SyncProgress done = progress.get(progress.size() - 1);
        assertThat(done.round()).as("the paused epoch 1 reports as round 0").isZero();
        assertThat(done.totalPages()).isGreaterThanOrEqualTo(primary.domain(dom).maxGpfn() + 1);

        long before = primaryHost.progress(dom, 0);
        for (int i = 0; i < 30; i++) {
            tx.requestSync().get(10, TimeUnit.SECONDS);
        }
        assertThat(primaryHost.progress(dom, 0)).as("the guest ran between epochs").isGreaterThan(before);

        primary.pause(dom);
        EpochId last = tx.requestSync().get(10, TimeUnit.SECONDS);
        assertThat(last.number()).isGreaterThanOrEqualTo(31);
        tx.close();
        ReceiverOutcome end = rx.outcome().get(10, TimeUnit.SECONDS);
        assertThat(end.kind()).isEqualTo(ReceiverOutcome.Kind.ENDED);
        assertThat(end.lastCommitted()).isEqualTo(tx.lastDurable());
        assertThat(end.lastCommitted()).isGreaterThanOrEqualTo(last);
        int replica = rx.replicaDomid();
        assertThat(secondary.domain(replica).paused()).isTrue();
        GuestState.of(secondary, replica).assertSameAs(GuestState.of(primary, dom));
        assertThat(opaqueSeen).contains(last.number() + ":log" + last.number());

        // the replica is a true copy: the same steps from here give the same machine
        primaryHost.runSteps(dom, 500);
        secondaryHost.runSteps(replica, 500);
        assertThat(secondaryHost.progress(replica, 1)).isEqualTo(primaryHost.progress(dom, 1));
        GuestState.of(secondary, replica).assertSameAs(GuestState.of(primary, dom));
    }

    /**
     * Small epochs are sent by the capture thread itself when the transmit thread is idle,
     * large ones queued for it: pipelined requests over a guest that alternately dirties
     * thousands of pages and none must still reach the replica whole and in order.
     */
    @Test
    void smallEpochsSentOnTheCaptureThreadAndLargeOnesQueuedStayInOrder() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withMemoryMiB(32)
                .withWorkingSetPages(4096).withStepsPerSecond(0));
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        EpochReceiver rx = receiver(links, Features.ALL);
        rx.start();
        EpochSender tx = sender(dom, links, SenderConfig.defaults());
        tx.start();
        List<CompletableFuture<EpochId>> requests = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            if (round % 2 == 0) {
                primary.pause(dom);
            } else {
                primary.unpause(dom);
                Thread.sleep(5);
            }
            for (int i = 0; i < 4; i++) {
                requests.add(tx.requestSync());
            }
        }
        primary.pause(dom);
        EpochId last = tx.requestSync().get(10, TimeUnit.SECONDS);
        long previous = 0;
        for (CompletableFuture<EpochId> f : requests) {
            long n = f.get(10, TimeUnit.SECONDS).number();
            assertThat(n).as("requests complete in the order they were made").isGreaterThanOrEqualTo(previous);
            previous = n;
        }
        tx.close();
        ReceiverOutcome end = rx.outcome().get(10, TimeUnit.SECONDS);
        assertThat(end.kind()).as(end.reason()).isEqualTo(ReceiverOutcome.Kind.ENDED);
        assertThat(end.lastCommitted()).isGreaterThanOrEqualTo(last);
        GuestState.of(secondary, rx.replicaDomid()).assertSameAs(GuestState.of(primary, dom));
    }

    @Test
    void everyEpochIsTimedInEveryStageOnBothEnds() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withMemoryMiB(8).withWorkingSetPages(256));
        LinkPair links = LinkPair.open(TransportConfig.psk(PSK));
        EpochReceiver rx = receiver(links, Features.ALL);
        rx.start();
        EpochSender tx = sender(dom, links, SenderConfig.defaults().withMaxInterval(Duration.ofSeconds(10)))
                .addContributor(epoch -> List.of(new OpaqueRecord(OpaqueRecord.Kind.EVENT_TAP_LOG, new byte[] {1})));
        rx.addConsumer((epoch, records) -> { });
        tx.start();
        for (int i = 0; i < 4; i++) {
            tx.requestSync().get(10, TimeUnit.SECONDS);
        }
        tx.close();
        long committed = rx.outcome().get(10, TimeUnit.SECONDS).lastCommitted().number();

        EpochTimings sent = tx.timings();
        assertThat(sent.epochs()).isEqualTo(committed);
        assertThat(sent.stages()).extracting(StageSummary::stage).containsExactly(Stage.PAUSE, Stage.SETTLE,
                Stage.QUIESCE, Stage.HARVEST, Stage.MAP, Stage.COPY, Stage.CONTEXT, Stage.GRANTS, Stage.EVENT_TAP_LOG,
                Stage.RESUME, Stage.UNPAUSE, Stage.STOP, Stage.ENCODE, Stage.SEND, Stage.ACK);
        assertThat(sent.stages()).allSatisfy(s -> assertThat(s.count()).as(s.stage().word()).isEqualTo(committed));
        EpochTimings applied = rx.timings();
        assertThat(applied.stages()).extracting(StageSummary::stage, StageSummary::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Stage.APPLY, committed));
        assertThat(applied.epochs()).isEqualTo(committed);
        assertThat(applied.pages()).isEqualTo(sent.pages());
        assertThat(applied.bytes()).as("the secondary read the stream the primary wrote").isEqualTo(sent.bytes());
    }

    /**
     * Group commit: requests made while an epoch waits for its ACK are not captured one by one
     * but all in the one epoch taken once that ACK arrived. The secondary holds epoch N's ACK
     * (its consumer waits) while three more requests are made.
     */
    @Test
    void withGroupCommitRequestsMadeWhileAnEpochIsUnacknowledgedShareTheNextEpoch() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withMemoryMiB(8).withWorkingSetPages(64));
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        EpochReceiver rx = receiver(links, Features.ALL);
        CountDownLatch ackHeld = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicBoolean hold = new AtomicBoolean();
        rx.addConsumer((epoch, records) -> {
            if (hold.compareAndSet(true, false)) {
                ackHeld.countDown();
                try {
                    letGo.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        rx.start();
        EpochSender tx = sender(dom, links, SenderConfig.defaults().withMaxInterval(Duration.ofSeconds(30)).withGroupCommit(true));
        tx.start();
        hold.set(true);
        CompletableFuture<EpochId> first = tx.requestSync();
        assertThat(ackHeld.await(10, TimeUnit.SECONDS)).as("the secondary holds the first epoch's ACK").isTrue();
        List<CompletableFuture<EpochId>> later = List.of(tx.requestSync(), tx.requestSync(),
                tx.requestSync());
        letGo.countDown();
        long n = first.get(10, TimeUnit.SECONDS).number();
        for (CompletableFuture<EpochId> f : later) {
            assertThat(f.get(10, TimeUnit.SECONDS).number()).as("every later request in the one next epoch").isEqualTo(n + 1);
        }
    }

    /**
     * Found by the bench's soak under load: creating the replica took longer than a heartbeat
     * interval, and the secondary's heartbeat went out before its stream header, which the
     * primary then read as a foreign protocol ("bad magic").
     */
    @Test
    void aReplicaSlowToSetUpSendsNoHeartbeatAheadOfTheStreamHeader() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withMemoryMiB(8).withWorkingSetPages(64));
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        // the replica's grant tables are opened after its domain exists and before the header goes out
        Hypervisor slowGrants = (Hypervisor) Proxy.newProxyInstance(Hypervisor.class.getClassLoader(),
                new Class<?>[] {Hypervisor.class}, (proxy, method, args) -> {
                    if (method.getName().equals("openGrantTables")) {
                        Thread.sleep(200);
                    }
                    try {
                        return method.invoke(secondary, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        EpochReceiver rx = new EpochReceiver(slowGrants, links.secondary(), ReceiverConfig.defaults("guest-replica")
                .withTimeouts(Duration.ofMillis(10), Duration.ofSeconds(3)));
        cleanup.add(rx);
        rx.start();
        EpochSender tx = sender(dom, links, SenderConfig.defaults());
        assertThat(tx.start()).isEqualTo(new EpochId(1));
    }

    /**
     * Real Xen: the toolstack builds the replica with the RAM its config gives, while a running
     * primary can have frames beyond (grant frames mapped above its RAM). The receiver populates
     * what the replica lacks instead of refusing the stream.
     */
    @Test
    void framesTheReplicaLacksArePopulatedAndFilled() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withMemoryMiB(8).withWorkingSetPages(256)
                .withStepsPerSecond(20_000));
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        ReplicaFactory smaller = new ReplicaFactory() {
            @Override
            public int create(DomainConfig shape) {
                return secondary.createDomain(new DomainConfig(shape.name(), shape.type(), shape.memoryPages() - 16,
                        shape.vcpus()));
            }

            @Override
            public void discard(int domid) {
                secondary.destroy(domid);
            }
        };
        EpochReceiver rx = new EpochReceiver(secondary, smaller, links.secondary(), ReceiverConfig.defaults("guest-replica"));
        cleanup.add(rx);
        rx.start();
        EpochSender tx = sender(dom, links, SenderConfig.defaults());
        tx.start();
        primary.pause(dom);
        tx.requestSync().get(10, TimeUnit.SECONDS);
        int replica = rx.replicaDomid();

        assertThat(secondary.domain(replica).maxGpfn()).isEqualTo(primary.domain(dom).maxGpfn());
        assertThat(secondary.ramFrames(replica, primary.domain(dom).maxGpfn() - 15, 16).cardinality()).isEqualTo(16);
        GuestState.of(secondary, replica).assertSameAs(GuestState.of(primary, dom));
    }

    /**
     * Real Xen: a Linux guest maps Xen's shared-info page over one of its RAM frames and sets
     * vm_assist at boot, both hypervisor state outside its memory and HVM context.
     */
    @Test
    void theSharedInfoPlaceAndVmAssistTheGuestSetReachTheReplica() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withMemoryMiB(8).withWorkingSetPages(64)
                .withStepsPerSecond(20_000));
        primary.pause(dom);
        long top = primary.domain(dom).maxGpfn();
        primary.mapSharedInfo(dom, top - 3);
        primary.setVcpuContext(dom, primary.vcpuContext(dom, 0).withVmAssist(1L << 5));
        primary.unpause(dom);
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        EpochReceiver rx = receiver(links, Features.ALL);
        rx.start();
        EpochSender tx = sender(dom, links, SenderConfig.defaults());
        tx.start();
        tx.requestSync().get(10, TimeUnit.SECONDS);
        primary.pause(dom);
        tx.requestSync().get(10, TimeUnit.SECONDS);
        int replica = rx.replicaDomid();

        assertThat(secondary.sharedInfoFrame(replica)).hasValue(top - 3);
        assertThat(secondary.ramFrames(replica, top - 3, 1).get(0)).as("the frame is Xen's page in the replica too").isFalse();
        assertThat(secondary.vcpuContext(replica, 0).vmAssist()).isEqualTo(1L << 5);
        GuestState.of(secondary, replica).assertSameAs(GuestState.of(primary, dom));
    }

    /** Found by the slow-secondary torture test: the capture thread died of OutOfMemoryError and the sender hung. */
    @Test
    void runningOutOfMemoryWhileCapturingFailsReplicationLoudly() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withMemoryMiB(8).withWorkingSetPages(64)
                .withStepsPerSecond(20_000));
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        receiver(links, Features.ALL).start();
        AtomicBoolean exhausted = new AtomicBoolean();
        EpochSender tx = sender(dom, links, SenderConfig.defaults())
                .addContributor(epoch -> {
                    if (exhausted.get()) {
                        throw new OutOfMemoryError("Cannot reserve 1048576 bytes of direct buffer memory (test)");
                    }
                    return List.of();
                });
        tx.start();
        exhausted.set(true);

        assertThatThrownBy(() -> tx.requestSync().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(tx.failure()).isNotNull();
        assertThat(tx.failure().getMessage()).contains("capture failed").contains("direct buffer memory");
    }

    /** A one-vcpu guest, paused, brought to exactly {@code steps} steps: the same on any host. */
    private static int deterministicGuest(SimHost host, long steps) {
        Hypervisor hv = host.open();
        int dom = host.createGuest(GuestSpec.memtouch("guest").withWorkingSetPages(256).withMemoryMiB(8)
                .withStepsPerSecond(1));
        hv.pause(dom);
        host.runSteps(dom, steps - host.progress(dom, 0));
        return dom;
    }

    /** Replicates a deterministic guest through 20 epochs of 50 steps; returns the replica's state and the bytes sent. */
    private Replicated replicateDeterministically(SimHost source, SimHost target, int features,
                                                  TransportConfig primaryTransport, TransportConfig secondaryTransport) throws Exception {
        Hypervisor from = source.open();
        Hypervisor to = target.open();
        int dom = deterministicGuest(source, 1000);
        LinkPair links = LinkPair.open(primaryTransport, secondaryTransport);
        EpochReceiver rx = new EpochReceiver(to, links.secondary(), ReceiverConfig.defaults("replica"));
        cleanup.add(rx);
        rx.start();
        EpochSender tx = new EpochSender(from, dom, links.primary(), SenderConfig.defaults().withFeatures(features));
        cleanup.add(tx);
        tx.start();
        for (int i = 0; i < 20; i++) {
            source.runSteps(dom, 50);
            tx.requestSync().get(10, TimeUnit.SECONDS);
        }
        tx.close();
        assertThat(rx.outcome().get(10, TimeUnit.SECONDS).kind()).isEqualTo(ReceiverOutcome.Kind.ENDED);
        assertThat(source.progress(dom, 0)).isEqualTo(2000);
        GuestState replica = GuestState.of(to, rx.replicaDomid());
        replica.assertSameAs(GuestState.of(from, dom));
        return new Replicated(replica, tx.stats().bytes(), tx.stats().encodings());
    }

    private record Replicated(GuestState state, long bytes, java.util.Map<PageEncoding, Long> encodings) {
    }

    /** Compressed over PSK, plain over mutual TLS: both replicas equal each other and their primaries. */
    @Test
    void compressedAndUncompressedStreamsAgree() throws Exception {
        SimHost otherPrimary = new SimHost();
        SimHost otherSecondary = new SimHost();
        cleanup.add(otherPrimary);
        cleanup.add(otherSecondary);
        Replicated compressed = replicateDeterministically(primaryHost, secondaryHost, Features.ALL,
                TransportConfig.psk(PSK), TransportConfig.psk(PSK));
        Replicated plain = replicateDeterministically(otherPrimary, otherSecondary, Features.NONE,
                TestKeystores.PRIMARY, TestKeystores.SECONDARY);
        compressed.state().assertSameAs(plain.state());
        assertThat(compressed.bytes()).as("compressed stream bytes vs plain").isLessThan(plain.bytes() / 4);
        for (PageEncoding e : List.of(PageEncoding.ZERO, PageEncoding.LZ4, PageEncoding.XOR_LZ4)) {
            assertThat(compressed.encodings().get(e)).as("pages sent as %s", e).isPositive();
        }
        assertThat(plain.encodings()).containsEntry(PageEncoding.RAW, plain.encodings().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void aSecondaryThatCannotCreateTheReplicaFailsStartWithItsReason() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("guest").withWorkingSetPages(64).withMemoryMiB(4));
        secondary.createDomain(new org.kemari.xen.DomainConfig("taken", org.kemari.xen.DomainType.HVM, 16, 1));
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        EpochReceiver rx = new EpochReceiver(secondary, links.secondary(), ReceiverConfig.defaults("taken"));
        cleanup.add(rx);
        rx.start();
        EpochSender tx = sender(dom, links, SenderConfig.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(tx::start).hasMessageContaining("refused the stream (REPLICA)");
        assertThat(rx.outcome().get(10, TimeUnit.SECONDS).kind()).isEqualTo(ReceiverOutcome.Kind.REPLICA_FAILED);
        assertThat(tx.requestSync()).isCompletedExceptionally();
    }

    @Test
    void aPvGuestIsRefusedWithTheHypervisorsReason() throws Exception {
        int dom = primaryHost.createGuest(GuestSpec.memtouch("pv").withWorkingSetPages(64).withMemoryMiB(4)
                .withType(org.kemari.xen.DomainType.PV));
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        EpochReceiver rx = receiver(links, Features.ALL);
        rx.start();
        EpochSender tx = sender(dom, links, SenderConfig.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(tx::start).hasMessageContaining("EOPNOTSUPP");
        ReceiverOutcome o = rx.outcome().get(10, TimeUnit.SECONDS);
        assertThat(o.kind()).isEqualTo(ReceiverOutcome.Kind.PRIMARY_LOST);
        assertThat(o.replicaValid()).isFalse();
        assertThat(primary.domain(dom).paused()).isFalse();
    }
}
