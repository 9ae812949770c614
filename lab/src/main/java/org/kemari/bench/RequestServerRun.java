package org.kemari.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.kemari.ft.send.SenderStats;
import org.kemari.ft.timing.StageSummary;
import org.kemari.ring.RequestGate;
import org.kemari.tap.RequestKind;
import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.SimHost;
import org.kemari.xen.sim.guest.RequestServerBoot;
import org.kemari.xen.sim.guest.RequestServerConfig;

/**
 * A request server guest ({@link org.kemari.xen.sim.guest.RequestServer}) answering
 * {@link RequestClients} over loopback TCP through kemari's netback halves, either directly
 * (unprotected) or with every reply held by event-tap until the epoch that produced it is
 * acknowledged ({@link TapProtection}, event mode: a held reply asks for an epoch at once, and
 * replies held while one is being captured share the next; with group commit, replies held while
 * any epoch is unacknowledged share the next).
 */
final class RequestServerRun implements AutoCloseable {
    /** Epochs only when output asks for one: the periodic interval never fires in a window. */
    private static final Duration NO_PERIOD = Duration.ofSeconds(30);
    private final SimHost host = new SimHost();
    /** What is open, closed in reverse order: guest paused, releases stopped, backends, pair, the rest. */
    private final OpenedStack opened = new OpenedStack("the request server bench");
    private final RequestClients clients;
    private SimPair pair;
    private VifBackends vif;

    /** How the server's replies go out: directly, or held for epochs taken with or without group commit. */
    enum Protection {
        NONE("unprotected"), EVENT("without group commit"), EVENT_GROUP_COMMIT("with group commit");

        private final String label;

        Protection(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    RequestServerRun(RequestServerConfig config, int clientCount, Protection protection) throws IOException {
        opened.push(host);
        try {
            clients = new RequestClients();
            opened.push(clients);
            start(config, protection);
            clients.start(clientCount);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void start(RequestServerConfig config, Protection protect) throws IOException {
        Hypervisor hv = host.open();
        RequestServerBoot.Vif nic = RequestServerBoot.boot(host, config);
        LoopbackWire wire = new LoopbackWire(clients.address());
        opened.push(wire);
        TapGate gate = null;
        if (protect != Protection.NONE) {
            TapProtection protection = TapProtection.start(hv, nic.domid(), NO_PERIOD, protect == Protection.EVENT_GROUP_COMMIT);
            pair = protection.pair();
            opened.push(pair);
            gate = protection.gate();
        }
        TapGate tapGate = gate;
        vif = new VifBackends(hv, nic, wire, tx -> {
            if (tapGate == null) {
                return RequestGate.DIRECT;
            }
            tapGate.attach(tx, RequestKind.DeviceClass.NET);
            return tapGate;
        });
        opened.push(vif);
        if (gate != null) {
            opened.push(gate);
        }
        opened.push(() -> hv.pause(nic.domid()));
    }

    /** Lets the clients run for {@code length} and reports what happened meanwhile. */
    Window measure(Duration length) throws InterruptedException {
        clients.takeLatency();
        SenderStats before = pair == null ? null : pair.stats();
        long done = clients.transactions();
        long t0 = System.nanoTime();
        Thread.sleep(length.toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long transactions = clients.transactions() - done;
        Samples latency = clients.takeLatency();
        vif.failure().ifPresent(t -> {
            throw new IllegalStateException("request server backends failed during the bench: " + t, t);
        });
        if (!clients.problems().isEmpty() || transactions == 0) {
            throw new IllegalStateException("request server: " + transactions + " transactions in " + length.toMillis()
                    + " ms, " + vif.dropped() + " requests dropped by netback; " + clients.problems());
        }
        long epochs = pair == null ? 0 : pair.stats().epochs() - before.epochs();
        long pages = pair == null ? 0 : pair.stats().pages() - before.pages();
        return new Window(transactions / seconds, latency, transactions, epochs, pages);
    }

    /** The stage times of the epochs so far; none unprotected. */
    List<StageSummary> stages() {
        return pair == null ? List.of() : pair.stages();
    }

    @Override
    public void close() throws IOException {
        opened.close();
    }

    /**
     * @param transactionsPerSecond replies the clients received per second
     * @param latency               request written to reply read, per transaction
     * @param epochs                epochs taken meanwhile (0 unprotected)
     * @param pages                 pages those epochs carried
     */
    record Window(double transactionsPerSecond, Samples latency, long transactions, long epochs, long pages) {
        /** Replies released per epoch: how many held outputs one epoch covered. */
        double repliesPerEpoch() {
            return epochs == 0 ? Double.NaN : (double) transactions / epochs;
        }

        double pagesPerEpoch() {
            return epochs == 0 ? Double.NaN : (double) pages / epochs;
        }
    }
}
