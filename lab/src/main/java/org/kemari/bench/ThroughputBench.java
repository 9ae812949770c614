package org.kemari.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.kemari.ft.wire.Features;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestInfoPage;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * Replication throughput against raw loopback TCP in the same JVM. The baseline streams a 1 MiB
 * direct buffer over one loopback connection to a reader that discards it. Replication: a
 * memtouch guest over 32768 pages (128 MiB), epochs back to back with encodings off, so each
 * dirty page costs its 4 KiB on the wire; the figure is page payload per second. The same
 * pair at several guest paces gives throughput against dirty rate for the plot.
 */
final class ThroughputBench {
    static final String NAME = "replication throughput (payload, encodings off)";
    private static final Metric.Bound TARGET = Metric.Bound.atLeast(0.8, "x raw TCP");
    private static final int WORKING_SET = 32768;
    private static final long[] PACES = {1_000, 10_000, 100_000, 0};

    final List<Metric> metrics = new ArrayList<>();
    final Series payload = new Series("replicated payload", "guest dirty rate (pages/s)", "MiB/s");
    final Series wire = new Series("wire bytes", "guest dirty rate (pages/s)", "MiB/s");

    void run(Plan plan) throws Exception {
        rawTcp(plan.rawTcpBytes() / 8);
        double raw = rawTcp(plan.rawTcpBytes());
        BackToBack.Window fastest = null;
        try (SimHost host = new SimHost()) {
            Hypervisor hv = host.open();
            int domid = host.createGuest(GuestSpec.memtouch("throughput").withMemoryMiB(256)
                    .withWorkingSetPages(WORKING_SET).withStepsPerSecond(PACES[0]));
            try (SimPair pair = new SimPair(hv, domid, Features.NONE, null)) {
                for (long pace : PACES) {
                    setPace(host, domid, pace);
                    BackToBack.run(pair, plan.window().dividedBy(4));
                    BackToBack.Window w = BackToBack.run(pair, plan.window());
                    payload.add(w.pagesPerSecond(), w.payloadBytesPerSecond() / (1 << 20));
                    wire.add(w.pagesPerSecond(), w.bytes() / w.seconds() / (1 << 20));
                    fastest = w;
                }
            }
        }
        metrics.add(Metric.relative(NAME, fastest.payloadBytesPerSecond() / (1 << 20), "MiB/s", raw / (1 << 20),
                "MiB/s raw TCP", TARGET, String.format(Locale.ROOT, "guest unthrottled: %.0f pages/epoch, %.0f epochs/s;"
                        + " baseline: one loopback TCP stream of %d MiB", fastest.pagesPerEpoch(), fastest.epochsPerSecond(),
                        plan.rawTcpBytes() >> 20)));
    }

    /** Steps per second per vcpu, as the guest reads it from its info page every step (0 = unthrottled). */
    private static void setPace(SimHost host, int domid, long pace) {
        host.guest(domid).memory().putLong(GuestInfoPage.PFN, GuestInfoPage.STEPS_PER_SECOND_OFFSET, pace);
    }

    /** Bytes per second over one loopback connection, writer to a discarding reader. */
    static double rawTcp(long total) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CompletableFuture<Double> reader = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel in = server.accept()) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                    long got = 0;
                    long t0 = 0;
                    while (got < total) {
                        buf.clear();
                        int n = in.read(buf);
                        if (n < 0) {
                            throw new IOException("raw TCP baseline: writer closed after " + got + " of " + total + " bytes");
                        }
                        if (got == 0) {
                            t0 = System.nanoTime();
                        }
                        got += n;
                    }
                    return got / ((System.nanoTime() - t0) / 1e9);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                out.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                for (long sent = 0; sent < total; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), total - sent));
                    while (buf.hasRemaining()) {
                        sent += out.write(buf);
                    }
                }
            }
            return reader.get(120, TimeUnit.SECONDS);
        }
    }
}
