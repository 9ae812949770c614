package org.kemari.bench;

import java.util.List;
import java.util.Locale;
import org.kemari.ft.wire.Features;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * Epochs per second with small epochs, two ways. Back to back: a memtouch guest over 15
 * working-set pages (at most 16 dirty pages with its info page), unthrottled, epochs requested
 * with several in flight; the guest then gets little time to run between epochs, so epochs
 * carry fewer pages than 16 (the row says how many). One at a time with 16 pages: the guest
 * is stepped over its 15 pages before each epoch ({@link DirtyEpochs}), and the rate is one
 * over the mean request-to-ACK time, without pipelining.
 */
final class EpochRateBench {
    static final String NAME = "epochs per second, <= 16 dirty pages/epoch";
    private static final Metric.Bound TARGET = Metric.Bound.atLeast(1000, "/s");

    private EpochRateBench() {
    }

    static List<Metric> run(Plan plan) throws Exception {
        return List.of(backToBack(plan), oneAtATime(plan));
    }

    private static Metric oneAtATime(Plan plan) throws Exception {
        try (DirtyEpochs e = new DirtyEpochs(64, 15)) {
            DirtyEpochs.Result r = e.measure(plan.warmupEpochs(), plan.epochs());
            return Metric.absolute(NAME + ", one at a time", 1e9 / r.sync().mean(), "/s", TARGET, String.format(Locale.ROOT,
                    "%d epochs of %.1f pages, request -> ACK mean %.3f ms, p99 %.3f ms", r.sync().count(),
                    r.pagesPerEpoch(), r.sync().mean() / 1e6, r.sync().quantile(0.99) / 1e6));
        }
    }

    private static Metric backToBack(Plan plan) throws Exception {
        try (SimHost host = new SimHost()) {
            Hypervisor hv = host.open();
            int domid = host.createGuest(GuestSpec.memtouch("epoch-rate").withWorkingSetPages(15).withStepsPerSecond(0));
            try (SimPair pair = new SimPair(hv, domid, Features.ALL, null)) {
                BackToBack.run(pair, plan.window().dividedBy(4));
                BackToBack.Window w = BackToBack.run(pair, plan.window());
                return Metric.absolute(NAME + ", back to back", w.epochsPerSecond(), "/s", TARGET, String.format(Locale.ROOT,
                        "%d epochs in %.1f s, %.1f pages/epoch; memtouch 15-page working set, unthrottled",
                        w.epochs(), w.seconds(), w.pagesPerEpoch()));
            }
        }
    }
}
