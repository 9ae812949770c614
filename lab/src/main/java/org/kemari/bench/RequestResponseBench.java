package org.kemari.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kemari.bench.RequestServerRun.Protection;
import org.kemari.config.SyncPolicy;
import org.kemari.xen.sim.guest.RequestServerConfig;

/**
 * What protection costs a network service: a server guest answering 16-byte requests over its
 * vif ({@link RequestServerRun}), with one closed-loop client (TCP_RR) and with eight at once,
 * protected in event mode against the same guest unprotected in the same run. Each reply waits
 * for an epoch, so the added latency is about one epoch's round trip; with eight clients one
 * epoch must cover several held replies or throughput collapses to one reply per epoch.
 */
final class RequestResponseBench {
    static final String NAME = "request/response through event-tap";
    static final String TARGET_TEXT = "added latency p50 <= 0.3 ms, p99 <= 1.5 ms; 8 clients >= 0.5x unprotected";
    static final Metric.Bound ADDED_P50 = Metric.Bound.atMost(0.3, " ms added");
    static final Metric.Bound ADDED_P99 = Metric.Bound.atMost(1.5, " ms added");
    static final Metric.Bound THROUGHPUT = Metric.Bound.atLeast(0.5, "x unprotected");
    /**
     * The io guest's commit-latency shape (11-page working set, 4 touches a step) polling its vif
     * 10000 times a second: a request waits 50 us on average for the next step, protected or not.
     */
    private static final RequestServerConfig SERVER = new RequestServerConfig("request-server", 16, 11, 4, 10_000, 1);

    final List<Metric> metrics = new ArrayList<>();
    final List<StageRun> stages = new ArrayList<>();
    /** The one-client latencies, for the plot: the same clients with and without protection. */
    Samples oneClientBare;
    Samples oneClientHeld;

    /** Protected as the engine protects by default (its sync policy decides group commit). */
    private static final Protection ENGINE = SyncPolicy.DEFAULT.groupCommit() ? Protection.EVENT_GROUP_COMMIT
            : Protection.EVENT;
    /** The other setting of sync.group-commit, measured with eight clients for comparison. */
    private static final Protection OTHER = ENGINE == Protection.EVENT ? Protection.EVENT_GROUP_COMMIT : Protection.EVENT;

    void run(Plan plan) throws Exception {
        for (int clients : new int[] {1, 8}) {
            RequestServerRun.Window bare = window(clients, Protection.NONE, plan);
            RequestServerRun.Window held = window(clients, ENGINE, plan);
            addRows(clients, bare, held);
            if (clients == 1) {
                oneClientBare = bare.latency();
                oneClientHeld = held.latency();
            } else {
                addOtherPolicyRow(clients, bare, window(clients, OTHER, plan), held);
            }
        }
    }

    /**
     * The same clients with the other sync.group-commit setting, against the same unprotected
     * baseline, without a target of its own: whether holding captures back until the ACK (group
     * commit) makes one epoch cover more replies, and what that does to throughput and latency.
     */
    private void addOtherPolicyRow(int clients, RequestServerRun.Window bare, RequestServerRun.Window other,
                                   RequestServerRun.Window engine) {
        StageRun epochs = stages.get(stages.size() - 1);
        metrics.add(Metric.compared("request/response, " + clients + " clients, " + OTHER.label() + ": transactions/s",
                other.transactionsPerSecond(), "/s", bare.transactionsPerSecond(), "/s unprotected",
                String.format(Locale.ROOT, "%.1f replies per epoch (%.1f %s), added latency p50 %.3f ms (%.3f ms %s); %s",
                        other.repliesPerEpoch(), engine.repliesPerEpoch(), ENGINE.label(),
                        (other.latency().median() - bare.latency().median()) / 1e6,
                        (engine.latency().median() - bare.latency().median()) / 1e6, ENGINE.label(), epochs.brief())));
    }

    private void addRows(int clients, RequestServerRun.Window bare, RequestServerRun.Window held) {
        String who = "request/response, " + clients + (clients == 1 ? " client" : " clients");
        StageRun epochs = stages.get(stages.size() - 1);
        String how = String.format(Locale.ROOT, "%d protected / %d unprotected transactions of 16-byte requests over"
                        + " loopback TCP; %.1f replies and %.1f pages per epoch", held.transactions(), bare.transactions(),
                held.repliesPerEpoch(), held.pagesPerEpoch());
        metrics.add(explained(Metric.added(who + ": added latency p50", held.latency().median() / 1e6, "ms",
                bare.latency().median() / 1e6, "ms unprotected", ADDED_P50, how), epochs));
        metrics.add(explained(Metric.added(who + ": added latency p99", held.latency().quantile(0.99) / 1e6, "ms",
                bare.latency().quantile(0.99) / 1e6, "ms unprotected", ADDED_P99, how), epochs));
        String tps = who + ": transactions/s";
        if (clients == 1) {
            metrics.add(Metric.compared(tps, held.transactionsPerSecond(), "/s", bare.transactionsPerSecond(),
                    "/s unprotected", how));
        } else {
            metrics.add(explained(Metric.relative(tps, held.transactionsPerSecond(), "/s", bare.transactionsPerSecond(),
                    "/s unprotected", THROUGHPUT, how), epochs));
        }
    }

    /** A missed target carries the epoch stages that held the replies, so the row says where the time went. */
    private static Metric explained(Metric m, StageRun epochs) {
        if (!Boolean.FALSE.equals(m.met())) {
            return m;
        }
        return new Metric(m.name(), m.value(), m.unit(), m.baseline(), m.baselineUnit(), m.ratio(), m.target(), m.met(),
                m.note() + "; missed: " + epochs.brief());
    }

    private RequestServerRun.Window window(int clients, Protection protect, Plan plan) throws Exception {
        try (RequestServerRun run = new RequestServerRun(SERVER, clients, protect)) {
            run.measure(plan.window().dividedBy(4));
            RequestServerRun.Window w = run.measure(plan.window());
            if (protect != Protection.NONE) {
                String variant = protect == ENGINE ? "" : "-" + protect.label().replace(' ', '-');
                stages.add(new StageRun("request-response-" + clients + variant, run.stages()));
            }
            return w;
        }
    }
}
