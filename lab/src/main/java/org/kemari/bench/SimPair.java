package org.kemari.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.send.EpochSender;
import org.kemari.ft.send.SenderConfig;
import org.kemari.ft.send.SenderStats;
import org.kemari.ft.timing.StageSummary;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.receive.ReceiverConfig;
import org.kemari.ft.transport.Link;
import org.kemari.ft.transport.Transport;
import org.kemari.ft.transport.TransportConfig;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.SimHost;

/**
 * A guest on an in-process simulated primary, replicated over loopback TCP to a second
 * in-process simulated host: the real sender, receiver and wire, minus the daemons. Epochs
 * are taken only when asked (the periodic interval is long), so a measurement decides what
 * each epoch contains.
 */
final class SimPair implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final SimHost secondary = new SimHost();
    private final EpochReceiver receiver;
    private final EpochSender sender;

    /** Connects, starts both ends and returns once epoch 1 is acknowledged (the initial sync is done). */
    SimPair(Hypervisor primary, int domid, int features, EpochContributor contributor) throws IOException {
        this(primary, domid, features, contributor, Duration.ofSeconds(30), false);
    }

    /**
     * As above, with an epoch at least every {@code maxInterval} even when nobody asks, and with
     * or without group commit ({@link SenderConfig#groupCommit()}; the pipeline benches measure
     * the sender without it, the output benches as the engine configures it).
     */
    SimPair(Hypervisor primary, int domid, int features, EpochContributor contributor, Duration maxInterval,
            boolean groupCommit) throws IOException {
        Link[] links = connect();
        receiver = new EpochReceiver(secondary.open(), links[1], ReceiverConfig.defaults("bench-replica").withFeatures(features));
        // The bench's replica never fails over, so what contributors send (event-tap's held log)
        // only needs accepting: the receiver refuses records nobody consumes.
        receiver.addConsumer((epoch, records) -> { });
        sender = new EpochSender(primary, domid, links[0], SenderConfig.defaults().withFeatures(features)
                .withMaxInterval(maxInterval).withGroupCommit(groupCommit));
        if (contributor != null) {
            sender.addContributor(contributor);
        }
        try {
            receiver.start();
            sender.start();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    EpochSender sender() {
        return sender;
    }

    SenderStats stats() {
        return sender.stats();
    }

    /** The primary's stage times so far, then the secondary's. */
    List<StageSummary> stages() {
        List<StageSummary> both = new ArrayList<>(sender.timings().stages());
        both.addAll(receiver.timings().stages());
        return both;
    }

    /** Takes one epoch now and waits for its ACK. */
    void sync() throws Exception {
        sender.requestSync().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        sender.close();
        receiver.close();
        secondary.close();
    }

    private static Link[] connect() throws IOException {
        TransportConfig insecure = TransportConfig.insecure();
        try (Transport.Acceptor acceptor = Transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), insecure)) {
            CompletableFuture<Link> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return acceptor.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Link primary = Transport.connect(acceptor.address(), insecure);
            try {
                return new Link[] {primary, accepted.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)};
            } catch (Exception e) {
                primary.close();
                throw new IOException("loopback replication link: the accept side did not complete: " + e.getMessage(), e);
            }
        }
    }
}
