package org.kemari.pair;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.kemari.config.Devices;
import org.kemari.config.PairConfig;
import org.kemari.disk.ReplicatedDisk;
import org.kemari.ft.EpochConsumer;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.send.EpochSender;
import org.kemari.ft.wire.Wire;
import org.kemari.net.NetConnector;
import org.kemari.net.NetOutputLog;
import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;

/**
 * {@link GuestDevices} of an HVM guest without PV drivers, whose disk and NIC QEMU emulates. The
 * disk is this host's own image served to QEMU over NBD for the daemon's whole life (QEMU holds
 * the connection from the guest's creation on) and replicated in every epoch; its writes are
 * state, never held (docs/nbd.md). The NIC, if configured, is QEMU's stream netdev: each frame
 * the guest sends is held by event-tap until its epoch is acknowledged, the frames still held at
 * a capture travel in that epoch, and a replica that takes over sends the last committed epoch's
 * before its own (docs/net-connector.md).
 */
final class EmulatedDevices implements GuestDevices {
    private final Devices devices;
    private final ReplicatedDisk disk;
    private final PrintStream log;
    private final Consumer<String> say;
    /** The guest's NIC as served now, on a primary (or a failed-over replica); null before. */
    private volatile NetConnector nic;
    /** Secondary: the frames the last committed epoch held, sent at failover. */
    private final AtomicReference<NetOutputLog> committedFrames = new AtomicReference<>(NetOutputLog.EMPTY);

    private EmulatedDevices(Devices devices, ReplicatedDisk disk, PrintStream log, Consumer<String> say) {
        this.devices = devices;
        this.disk = disk;
        this.log = log;
        this.say = say;
    }

    static EmulatedDevices start(PairConfig pair, PrintStream log) {
        String prefix = "kemari: " + pair.name() + ": ";
        Consumer<String> say = line -> log.println(prefix + line);
        ReplicatedDisk disk;
        try {
            disk = ReplicatedDisk.serve(pair.devices().disk(), pair.devices().nbd(), pair.name(), say);
        } catch (RuntimeException e) {
            // a missing image, a socket a live server holds: the config names what this host lacks
            throw new EngineException(EngineException.Kind.CONFIG, pair.name() + ": devices: " + e.getMessage(), e);
        }
        say.accept("serving the disk image " + disk.image() + " (" + disk.size() + " bytes) to the guest's QEMU over NBD on "
                + disk.socket());
        return new EmulatedDevices(pair.devices(), disk, log, say);
    }

    @Override
    public AutoCloseable serve(Hypervisor hv, int domid, TapGate gate) {
        if (devices.netdev() == null) {
            return () -> { };
        }
        try {
            nic = NetConnector.held(devices.netdev(), NetConnector.ETHERNET_MAX_FRAME, endpoint(), gate.tap(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("the guest's NIC: " + e.getMessage(), e);
        }
        say.accept("holding the frames of dom " + domid + "'s NIC (" + devices.netdev() + ") until their epochs are"
                + " acknowledged, then sending them to " + devices.net());
        return nic;
    }

    /** After the replica's device model was restarted: a connector started earlier would reach the QEMU that quit. */
    @Override
    public AutoCloseable reattach(Hypervisor hv, int replicaDomid, TapGate gate) {
        if (devices.netdev() == null) {
            return () -> { };
        }
        try {
            nic = NetConnector.afterFailover(devices.netdev(), NetConnector.ETHERNET_MAX_FRAME, endpoint(), committedFrames.get(),
                    gate.tap(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("the replica's NIC: " + e.getMessage(), e);
        }
        return nic;
    }

    @Override
    public DeviceStream stream(EpochSender sender, Consumer<String> warn) {
        if (devices.netdev() != null) {
            sender.addContributor(epoch -> nic.capture().records(Wire.MAX_RECORD));
        }
        ReplicatedDisk.Stream s = disk.stream(sender, warn);
        return new DeviceStream() {
            @Override
            public EpochId ready(EpochId first, BooleanSupplier stop) throws InterruptedException {
                say.accept("copying the disk " + disk.image() + " (" + (disk.size() >> 20) + " MiB) to the secondary while the"
                        + " guest runs; not protected until it has arrived");
                long start = System.nanoTime();
                EpochId copied = s.copy(stop);
                if (copied != null) {
                    say.accept("the secondary holds the whole disk from " + copied + ", copied in "
                            + (System.nanoTime() - start) / 1_000_000 + " ms");
                }
                return copied;
            }

            @Override
            public void close() throws InterruptedException {
                s.close();
            }
        };
    }

    @Override
    public void receive(EpochReceiver rx) {
        disk.forget();
        rx.addConsumer(disk.replica());
        if (devices.netdev() != null) {
            committedFrames.set(NetOutputLog.EMPTY);
            rx.addConsumer(EpochConsumer.of(OpaqueRecord.Kind.NET_OUTPUT, this::keepFrames));
        }
    }

    private void keepFrames(EpochId epoch, List<OpaqueRecord> records) {
        NetOutputLog held = NetOutputLog.of(records);
        if (held == null) {
            throw new IllegalStateException(epoch + " carries no NET_OUTPUT record: the primary does not hold the guest's"
                    + " frames, but this secondary serves its NIC on " + devices.netdev());
        }
        committedFrames.set(held);
    }

    @Override
    public Optional<String> refusal() {
        return disk.refusal();
    }

    @Override
    public void close() {
        disk.close();
    }

    private InetSocketAddress endpoint() {
        return new InetSocketAddress(devices.net().host(), devices.net().port());
    }
}
