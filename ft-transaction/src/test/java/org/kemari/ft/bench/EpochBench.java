package org.kemari.ft.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.kemari.ft.LinkPair;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.receive.ReceiverConfig;
import org.kemari.ft.send.EpochSender;
import org.kemari.ft.send.SenderConfig;
import org.kemari.ft.send.SenderStats;
import org.kemari.ft.transport.TransportConfig;
import org.kemari.ft.wire.Features;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * Measures the epoch loop on the simulator over loopback TCP: initial sync time, guest pause per
 * epoch, sync latency (requestSync to ACK) and bytes per epoch, with and without compression.
 * A benchmark, not a test: run it by hand, e.g.
 * {@code java -cp <test classpath> org.kemari.ft.bench.EpochBench 256 20000 200}
 * (guest MiB, guest steps per second per vcpu, epochs).
 */
public final class EpochBench {
    private EpochBench() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 256;
        long rate = args.length > 1 ? Long.parseLong(args[1]) : 20_000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        for (int features : new int[] {Features.NONE, Features.ALL}) {
            run(mib, rate, epochs, features);
        }
    }

    private static void run(long mib, long rate, int epochs, int features) throws Exception {
        try (SimHost a = new SimHost(); SimHost b = new SimHost()) {
            Hypervisor primary = a.open();
            int dom = a.createGuest(GuestSpec.memtouch("bench").withMemoryMiB(mib).withVcpus(2)
                    .withWorkingSetPages(Math.min(16384, mib * 256 - 1)).withStepsPerSecond(rate));
            LinkPair links = LinkPair.open(TransportConfig.insecure());
            try (EpochReceiver rx = new EpochReceiver(b.open(), links.secondary(), ReceiverConfig.defaults("bench-replica"));
                 EpochSender tx = new EpochSender(primary, dom, links.primary(), SenderConfig.defaults()
                         .withFeatures(features).withMaxInterval(Duration.ofSeconds(10)))) {
                rx.start();
                long t0 = System.nanoTime();
                tx.start();
                long sync = System.nanoTime() - t0;
                SenderStats afterSync = tx.stats();
                long[] latency = new long[epochs];
                long[] pause = new long[epochs];
                for (int i = 0; i < epochs; i++) {
                    long s = System.nanoTime();
                    tx.requestSync().get(30, TimeUnit.SECONDS);
                    latency[i] = System.nanoTime() - s;
                    pause[i] = tx.stats().lastPause().toNanos();
                }
                SenderStats end = tx.stats();
                Arrays.sort(latency);
                Arrays.sort(pause);
                System.out.printf("%s, %d MiB guest, 2 vcpus at %d steps/s: initial sync %d ms (%.1f MiB on the wire)%n",
                        Features.describe(features), mib, rate, sync / 1_000_000, afterSync.bytes() / 1048576.0);
                System.out.printf("  %d epochs: %.0f pages/epoch, %.1f KiB/epoch on the wire%n", epochs,
                        (end.pages() - afterSync.pages()) / (double) epochs,
                        (end.bytes() - afterSync.bytes()) / 1024.0 / epochs);
                System.out.printf("  guest pause  p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", ms(pause[epochs / 2]),
                        ms(pause[epochs * 99 / 100]), ms(end.maxPause().toNanos()));
                System.out.printf("  sync latency p50 %.2f ms, p99 %.2f ms%n", ms(latency[epochs / 2]), ms(latency[epochs * 99 / 100]));
            }
            links.close();
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
