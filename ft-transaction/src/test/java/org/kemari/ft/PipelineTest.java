package org.kemari.ft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.receive.ReceiverConfig;
import org.kemari.ft.receive.ReceiverOutcome;
import org.kemari.ft.send.EpochSender;
import org.kemari.ft.send.SenderConfig;
import org.kemari.ft.transport.TestKeystores;
import org.kemari.ft.transport.TransportConfig;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.Outbox;
import org.kemari.ft.wire.RecordReader;
import org.kemari.ft.wire.Role;
import org.kemari.ft.wire.StreamHeader;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/** Epochs in flight, back-pressure, ordered durability, and both ends noticing a silent peer. */
@Timeout(30)
class PipelineTest {
    private final SimHost host = new SimHost();
    private final Hypervisor hv = host.open();
    private final int dom = host.createGuest(GuestSpec.memtouch("guest").withWorkingSetPages(64).withMemoryMiB(4)
            .withStepsPerSecond(2000));
    private final List<AutoCloseable> cleanup = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        host.close();
    }

    private FakeSecondary fakeSecondary(LinkPair links) {
        FakeSecondary secondary = new FakeSecondary(links.secondary());
        cleanup.add(secondary);
        return secondary;
    }

    /** A sender that heartbeats every 50 ms and gives up after {@code silence} without a word, or {@code initial} before the first ACK. */
    private EpochSender senderTolerating(LinkPair links, Duration silence, Duration initial) {
        EpochSender tx = new EpochSender(hv, dom, links.primary(), SenderConfig.defaults()
                .withTimeouts(Duration.ofMillis(50), silence).withInitialSilence(initial));
        cleanup.add(tx);
        return tx;
    }

    /** Starts the sender as a caller would and answers its initial sync as the secondary. */
    private static void startAcknowledgingEpochOne(EpochSender tx, FakeSecondary secondary) throws Exception {
        CompletableFuture<EpochId> started = CompletableFuture.supplyAsync(() -> {
            try {
                return tx.start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(secondary.commits.poll(10, TimeUnit.SECONDS)).isEqualTo(1);
        secondary.ack(1);
        assertThat(started.get(10, TimeUnit.SECONDS)).isEqualTo(new EpochId(1));
    }

    @Test
    void captureStopsAtTheInFlightLimitAndDurabilityFollowsEpochOrder() throws Exception {
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        FakeSecondary secondary = fakeSecondary(links);
        EpochSender tx = new EpochSender(hv, dom, links.primary(), SenderConfig.defaults()
                .withMaxInFlight(2).withMaxInterval(Duration.ofMillis(10)));
        cleanup.add(tx);
        startAcknowledgingEpochOne(tx, secondary);

        // two epochs may be unacknowledged; at one every 10 ms, 300 ms would make thirty
        assertThat(secondary.commits.poll(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(secondary.commits.poll(10, TimeUnit.SECONDS)).isEqualTo(3);
        secondary.heartbeat();
        assertThat(secondary.commits.poll(300, TimeUnit.MILLISECONDS)).as("a third epoch in flight").isNull();

        List<Long> order = new CopyOnWriteArrayList<>();
        CompletableFuture<?> d3 = tx.awaitDurable(new EpochId(3)).thenAccept(e -> order.add(e.number()));
        CompletableFuture<?> d2 = tx.awaitDurable(new EpochId(2)).thenAccept(e -> order.add(e.number()));
        secondary.ack(2);
        d2.get(10, TimeUnit.SECONDS);
        assertThat(d3).isNotDone();
        assertThat(secondary.commits.poll(10, TimeUnit.SECONDS)).as("ACK 2 frees one slot").isEqualTo(4);
        secondary.ack(4);
        d3.get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly(2L, 3L);
        assertThat(tx.lastDurable()).isEqualTo(new EpochId(4));
        assertThat(secondary.commits.poll(10, TimeUnit.SECONDS)).isEqualTo(5);
    }

    @Test
    void aSilentSecondaryFailsTheSenderAndItsWaiters() throws Exception {
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        fakeSecondary(links);
        EpochSender tx = senderTolerating(links, Duration.ofMillis(100), Duration.ofMillis(300));
        assertThatThrownBy(tx::start).as("before the first ACK the longer initial silence applies")
                .hasMessageContaining("no data from secondary").hasMessageContaining("for 300 ms");
        assertThat(tx.awaitDurable(new EpochId(1))).isCompletedExceptionally();
        assertThat(hv.domain(dom).paused()).as("the guest is left running").isFalse();
    }

    @Test
    void aSecondarySilentAfterTheFirstAckIsLostAfterThePeerTimeoutNotTheInitialSilence() throws Exception {
        LinkPair links = LinkPair.open(TransportConfig.insecure());
        FakeSecondary secondary = fakeSecondary(links);
        EpochSender tx = senderTolerating(links, Duration.ofMillis(200), Duration.ofMinutes(1));
        startAcknowledgingEpochOne(tx, secondary);
        CompletableFuture<EpochId> never = tx.requestSync();
        assertThatThrownBy(() -> never.get(10, TimeUnit.SECONDS)).hasMessageContaining("no data from secondary")
                .hasMessageContaining("for 200 ms");
    }

    @Test
    void aSilentPrimaryIsReportedLostWithNoValidReplica() throws Exception {
        silentPrimary(LinkPair.open(TransportConfig.insecure()));
    }

    /** Over TLS the watchdog must be able to close a socket another thread is blocked reading. */
    @Test
    void aSilentPrimaryIsReportedLostOverTls() throws Exception {
        silentPrimary(LinkPair.open(TestKeystores.PRIMARY, TestKeystores.SECONDARY));
    }

    private void silentPrimary(LinkPair links) throws Exception {
        SimHost secondaryHost = new SimHost();
        cleanup.add(secondaryHost);
        Hypervisor secondaryHv = secondaryHost.open();
        EpochReceiver rx = new EpochReceiver(secondaryHv, links.secondary(), ReceiverConfig.defaults("replica")
                .withTimeouts(Duration.ofMillis(50), Duration.ofMillis(100)).withInitialSilence(Duration.ofMillis(300)));
        cleanup.add(rx);
        cleanup.add(links);
        rx.start();
        DomainInfo info = hv.domain(dom);
        new Outbox(links.primary().out()).header(new StreamHeader(Role.PRIMARY, Features.ALL, info.type(), info.vcpus(),
                info.maxPages(), info.maxGpfn(), Wire.MAX_RECORD));
        StreamHeader.decode(RecordReader.readHeader(links.primary().in()), Role.SECONDARY);
        ReceiverOutcome o = rx.outcome().get(10, TimeUnit.SECONDS);
        assertThat(o.kind()).isEqualTo(ReceiverOutcome.Kind.PRIMARY_LOST);
        assertThat(o.reason()).as("nothing committed: the longer initial silence applies")
                .contains("no data from primary").contains("for 300 ms");
        assertThat(o.replicaValid()).isFalse();
        assertThat(secondaryHv.domain(o.replicaDomid()).paused()).isTrue();
    }
}
