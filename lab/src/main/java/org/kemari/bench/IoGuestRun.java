package org.kemari.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.kemari.check.CheckerServer;
import org.kemari.config.SyncPolicy;
import org.kemari.ft.send.SenderStats;
import org.kemari.ft.timing.StageSummary;
import org.kemari.ring.guest.DeviceBackends;
import org.kemari.ring.guest.GateFactory;

import org.kemari.xen.sim.guest.IoGuestBoot;
import org.kemari.xen.sim.guest.IoGuestConfig;
import org.kemari.ring.net.TcpPacketLink;
import org.kemari.tap.RequestKind;
import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.SimHost;

/**
 * An io guest (ringsync's simulated guest writing 4 KiB blocks through blkfront and sending an
 * acknowledgement through netfront after each) served by kemari's own backends, either
 * directly (unprotected) or through event-tap with every block write and transmit held until
 * the secondary acknowledged an epoch containing it ({@link TapProtection}). Packets go to
 * an in-process checker server; the disk is a temporary image file.
 */
final class IoGuestRun implements AutoCloseable {
    private final SimHost host = new SimHost();
    /** What is open, closed in reverse order: guest paused, releases stopped, backends, pair, the rest. */
    private final OpenedStack opened = new OpenedStack("the io guest bench");
    private SimPair pair;
    private TimedBackend block;
    private DeviceBackends backends;

    IoGuestRun(IoGuestConfig config, boolean protect, Duration maxInterval) throws IOException {
        opened.push(host);
        try {
            start(config, protect, maxInterval);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void start(IoGuestConfig config, boolean protect, Duration maxInterval) throws IOException {
        Hypervisor hv = host.open();
        int domid = IoGuestBoot.boot(host, config);
        Path image = Files.createTempFile("kemari-bench-", ".img");
        opened.push(() -> Files.deleteIfExists(image));
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(config.imageBytes());
        }
        CheckerServer checker = new CheckerServer();
        opened.push(checker);
        TcpPacketLink link = new TcpPacketLink(checker.address());
        opened.push(link);
        TimedBackend[] blockSeen = new TimedBackend[1];
        GateFactory gates;
        TapGate gate = null;
        if (protect) {
            TapProtection protection = TapProtection.start(hv, domid, maxInterval, SyncPolicy.DEFAULT.groupCommit());
            pair = protection.pair();
            opened.push(pair);
            TapGate tapGate = protection.gate();
            gate = tapGate;
            gates = (device, backend) -> {
                TimedBackend timed = timed(device, backend, blockSeen);
                tapGate.attach(timed, device == GateFactory.Device.BLOCK ? RequestKind.DeviceClass.BLOCK
                        : RequestKind.DeviceClass.NET);
                return published -> {
                    timed.notified();
                    tapGate.requestsPublished(timed);
                };
            };
        } else {
            gates = (device, backend) -> {
                TimedBackend timed = timed(device, backend, blockSeen);
                return published -> {
                    timed.notified();
                    timed.drain();
                };
            };
        }
        backends = DeviceBackends.connect(hv, domid, image, link, gates);
        opened.push(backends);
        if (gate != null) {
            opened.push(gate);
        }
        opened.push(() -> hv.pause(domid));
        block = blockSeen[0];
    }

    private static TimedBackend timed(GateFactory.Device device, org.kemari.ring.RingBackend backend, TimedBackend[] blockSeen) {
        TimedBackend timed = new TimedBackend(backend);
        if (device == GateFactory.Device.BLOCK) {
            blockSeen[0] = timed;
        }
        return timed;
    }

    /** Lets the guest run for {@code length} and reports what happened meanwhile. */
    Window measure(Duration length) throws InterruptedException {
        block.takeLatency();
        SenderStats before = pair == null ? null : pair.stats();
        long served = block.served();
        long t0 = System.nanoTime();
        Thread.sleep(length.toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long writes = block.served() - served;
        Samples latency = block.takeLatency();
        backends.failure().ifPresent(t -> {
            throw new IllegalStateException("io guest backends failed during the bench: " + t, t);
        });
        if (pair == null) {
            return new Window(writes / seconds, latency, 0, 0, 0);
        }
        SenderStats after = pair.stats();
        return new Window(writes / seconds, latency, after.epochs() - before.epochs(), after.pages() - before.pages(),
                after.bytes() - before.bytes());
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
     * @param writesPerSecond 4 KiB block writes the backend served per second
     * @param latency         notification to consumption of each block write
     * @param epochs          epochs taken meanwhile (0 unprotected)
     * @param pages           pages those epochs carried
     * @param wireBytes       stream bytes written meanwhile
     */
    record Window(double writesPerSecond, Samples latency, long epochs, long pages, long wireBytes) {
        double pagesPerEpoch() {
            return epochs == 0 ? Double.NaN : (double) pages / epochs;
        }

        double wirePerDirtyByte() {
            return pages == 0 ? Double.NaN : wireBytes / (pages * 4096.0);
        }
    }
}
