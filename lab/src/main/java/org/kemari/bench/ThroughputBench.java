package org.kemari.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
    final List<StageRun> stages = new ArrayList<>();
    final Series payload = new Series("replicated payload", "guest dirty rate (pages/s)", "MiB/s");
    final Series wire = new Series("wire bytes", "guest dirty rate (pages/s)", "MiB/s");

    void run(Plan plan) throws Exception {
        rawTcp(plan.rawTcpBytes() / 8);
        String driver = Thread.currentThread().getName();
        CpuProfile tcpCpu = new CpuProfile(t -> t.equals(driver) ? "writer" : "other");
        double raw = rawTcp(plan.rawTcpBytes());
        CpuProfile.Window tcp = tcpCpu.end();
        BackToBack.Window fastest = null;
        CpuProfile.Window replication = null;
        try (SimHost host = new SimHost()) {
            Hypervisor hv = host.open();
            int domid = host.createGuest(GuestSpec.memtouch("throughput").withMemoryMiB(256)
                    .withWorkingSetPages(WORKING_SET).withStepsPerSecond(PACES[0]));
            try (SimPair pair = new SimPair(hv, domid, Features.NONE, null)) {
                for (long pace : PACES) {
                    setPace(host, domid, pace);
                    BackToBack.run(pair, plan.window().dividedBy(4));
                    CpuProfile cpu = new CpuProfile(t -> role(t, driver));
                    BackToBack.Window w = BackToBack.run(pair, plan.window());
                    replication = cpu.end();
                    payload.add(w.pagesPerSecond(), w.payloadBytesPerSecond() / (1 << 20));
                    wire.add(w.pagesPerSecond(), w.bytes() / w.seconds() / (1 << 20));
                    fastest = w;
                }
                stages.add(new StageRun("replication, guest unthrottled", pair.stages()));
            }
        }
        metrics.add(Metric.relative(NAME, fastest.payloadBytesPerSecond() / (1 << 20), "MiB/s", raw / (1 << 20),
                "MiB/s raw TCP", TARGET, String.format(Locale.ROOT, "guest unthrottled: %.0f pages/epoch, %.0f epochs/s;"
                        + " baseline: one loopback TCP stream of %d MiB", fastest.pagesPerEpoch(), fastest.epochsPerSecond(),
                        plan.rawTcpBytes() >> 20)));
        metrics.add(cpuPerMiB(fastest, replication, plan.rawTcpBytes(), tcp));
    }

    /**
     * The profile behind the throughput row: cpu spent per MiB replicated by everything but the
     * guest, against the cpu the raw TCP stream spent per MiB, and where each window's cpu went.
     */
    private static Metric cpuPerMiB(BackToBack.Window w, CpuProfile.Window replication, long rawBytes,
                                    CpuProfile.Window tcp) {
        double replicatedMiB = w.payloadBytesPerSecond() * w.seconds() / (1 << 20);
        long guest = replication.nanos(GUEST);
        double kemariMsPerMiB = (replication.processNanos() - guest) / 1e6 / replicatedMiB;
        double tcpMiB = (double) rawBytes / (1 << 20);
        double tcpMsPerMiB = tcp.processNanos() / 1e6 / tcpMiB;
        double wall = tcp.wallNanos();
        String tcpShares = String.format(Locale.ROOT, "writer %.2f, reader %.2f, the rest of the JVM %.2f",
                tcp.nanos("writer") / wall, lastReaderCpuNanos / wall,
                (tcp.processNanos() - tcp.nanos("writer") - lastReaderCpuNanos) / wall);
        double cpus = Runtime.getRuntime().availableProcessors();
        // the copy every page makes twice beyond what TCP copies: out of the guest, into the replica
        double copyMsPerMiB = Memcpy.nanos(COPY_PAGES, 20) / 1e6 / (COPY_PAGES * 4096.0 / (1 << 20));
        return Metric.compared("replication cpu per MiB, all but the guest (encodings off)", kemariMsPerMiB, "ms cpu/MiB",
                tcpMsPerMiB, "ms cpu/MiB raw TCP", String.format(Locale.ROOT, "unthrottled window, cpus busy: %s; the"
                        + " guest's vcpu leaves %.2f of %.0f cpus, which at this cost carry at most %.0f MiB/s; raw TCP"
                        + " window: %s; a page-by-page copy of %d pages alone: %.3f ms/MiB, so raw TCP plus the two copies"
                        + " of each page is %.3f ms/MiB", replication.shares(), cpus - (double) guest / replication.wallNanos(),
                cpus, (cpus - (double) guest / replication.wallNanos()) * 1e3 / kemariMsPerMiB, tcpShares, COPY_PAGES,
                copyMsPerMiB, tcpMsPerMiB + 2 * copyMsPerMiB));
    }

    private static final String GUEST = "guest vcpu";
    /** 16 MiB: larger than the caches, as a replicated epoch's pages are. */
    private static final int COPY_PAGES = 4096;

    /** What a thread of the replicating pair does, by its name. */
    private static String role(String thread, String driver) {
        if (thread.contains("-vcpu")) {
            return GUEST;
        }
        return switch (thread) {
            case "kemari-sender-capture" -> "capture (pause, harvest, copy out)";
            case "kemari-sender-transmit" -> "transmit (encode, socket write)";
            case "kemari-sender-acks" -> "ACK reader";
            default -> thread.startsWith("kemari-receiver ") ? "receiver (socket read, apply)"
                    : thread.equals(driver) ? "bench driver" : "other";
        };
    }

    /** Steps per second per vcpu, as the guest reads it from its info page every step (0 = unthrottled). */
    private static void setPace(SimHost host, int domid, long pace) {
        host.guest(domid).memory().putLong(GuestInfoPage.PFN, GuestInfoPage.STEPS_PER_SECOND_OFFSET, pace);
    }

    /** The cpu time of the last raw TCP baseline's reading thread. */
    private static volatile long lastReaderCpuNanos;

    /** Bytes per second over one loopback connection, writer to a discarding reader. */
    static double rawTcp(long total) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CompletableFuture<Double> reader = CompletableFuture.supplyAsync(() -> {
                long cpuAtStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
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
                    // the reader's thread may end with it or serve other tasks, so it reports its own share
                    lastReaderCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuAtStart;
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
