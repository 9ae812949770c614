package org.kemari.bench;

import org.kemari.ft.wire.Features;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * Epochs per second with small epochs: a memtouch guest over 15 working-set pages, unthrottled,
 * so that every epoch carries the full 16 dirty pages (working set and info page), the worst
 * case the target allows; epochs requested back to back.
 */
final class EpochRateBench {
    static final String NAME = "epochs per second, <= 16 dirty pages/epoch";
    private static final Metric.Bound TARGET = Metric.Bound.atLeast(1000, "/s");

    private EpochRateBench() {
    }

    static Metric run(Plan plan) throws Exception {
        try (SimHost host = new SimHost()) {
            Hypervisor hv = host.open();
            int domid = host.createGuest(GuestSpec.memtouch("epoch-rate").withWorkingSetPages(15).withStepsPerSecond(0));
            try (SimPair pair = new SimPair(hv, domid, Features.ALL, null)) {
                BackToBack.run(pair, plan.window().dividedBy(4));
                BackToBack.Window w = BackToBack.run(pair, plan.window());
                return Metric.absolute(NAME, w.epochsPerSecond(), "/s", TARGET, String.format(java.util.Locale.ROOT,
                        "%d epochs in %.1f s, %.1f pages/epoch; memtouch 15-page working set, unthrottled",
                        w.epochs(), w.seconds(), w.pagesPerEpoch()));
            }
        }
    }

    static Metric.Bound target() {
        return TARGET;
    }
}
