package org.kemari.pair;

import java.io.PrintStream;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.kemari.config.PairConfig;
import org.kemari.disk.ReplicatedDisk;
import org.kemari.ft.EpochId;
import org.kemari.ft.receive.EpochReceiver;
import org.kemari.ft.send.EpochSender;
import org.kemari.tap.TapGate;
import org.kemari.xen.Hypervisor;

/**
 * {@link GuestDevices} of an HVM guest without PV drivers, whose disk QEMU emulates: this host's
 * own image served to QEMU over NBD for the daemon's whole life (QEMU holds the connection from
 * the guest's creation on), replicated in every epoch (docs/nbd.md). Nothing is held: the
 * disk's writes are state, not output.
 */
final class EmulatedDevices implements GuestDevices {
    private final ReplicatedDisk disk;
    private final Consumer<String> say;

    private EmulatedDevices(ReplicatedDisk disk, Consumer<String> say) {
        this.disk = disk;
        this.say = say;
    }

    static EmulatedDevices start(PairConfig pair, PrintStream log) {
        if (pair.devices().net() != null) {
            throw new EngineException(EngineException.Kind.UNSUPPORTED, pair.name() + ": devices.net with devices.nbd: kemari's"
                    + " connector for QEMU's emulated NIC (-netdev stream, docs/net-connector.md) is not started by the pair yet,"
                    + " so the guest's frames could not be held; leave devices.net out (the guest's NIC output then escapes"
                    + " unheld: tap: [] with unsafe: true)");
        }
        String prefix = "kemari: " + pair.name() + ": ";
        ReplicatedDisk disk;
        try {
            disk = ReplicatedDisk.serve(pair.devices().disk(), pair.devices().nbd(), pair.name(), line -> log.println(prefix + line));
        } catch (RuntimeException e) {
            // a missing image, a socket a live server holds: the config names what this host lacks
            throw new EngineException(EngineException.Kind.CONFIG, pair.name() + ": devices: " + e.getMessage(), e);
        }
        Consumer<String> say = line -> log.println(prefix + line);
        say.accept("serving the disk image " + disk.image() + " (" + disk.size() + " bytes) to the guest's QEMU over NBD on "
                + disk.socket());
        return new EmulatedDevices(disk, say);
    }

    @Override
    public AutoCloseable serve(Hypervisor hv, int domid, TapGate gate) {
        return () -> { };
    }

    @Override
    public AutoCloseable reattach(Hypervisor hv, int replicaDomid, TapGate gate) {
        return () -> { };
    }

    @Override
    public DeviceStream stream(EpochSender sender, Consumer<String> warn) {
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
    }

    @Override
    public Optional<String> refusal() {
        return disk.refusal();
    }

    @Override
    public void close() {
        disk.close();
    }
}
