package org.kemari.dm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.kemari.ft.EpochConsumer;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenStore;

/**
 * Secondary: keeps the HVM platform record of the last committed epoch and, at failover, puts
 * it into the replica — the guest-set HVM params, then QEMU's device state — after checking that
 * this guest can be failed over at all ({@link FailoverCheck}). The first epoch of a stream
 * names the primary's device-model devices (DEVICE_SET); a replica whose device model has
 * others could not load the device state, so its stream is refused before that epoch is
 * acknowledged, not at failover, when the lease is already taken.
 */
public final class HvmTakeover implements EpochConsumer {
    private final DeviceModels models;
    private final PrintStream log;
    private final AtomicReference<HvmPlatform> last = new AtomicReference<>();
    /** The replica whose QEMU is being or was made ready ahead of failover ({@link #prepare}); -1 if none. */
    private int preparedFor = -1;
    private CompletableFuture<ReplicaDeviceModel.Prepared> prepared;
    private Hypervisor streamHv;
    /** The stream's replica, known once its header has been read (the receiver builds it then). */
    private IntSupplier streamReplica;

    public HvmTakeover(DeviceModels models, PrintStream log) {
        this.models = models;
        this.log = log;
    }

    @Override
    public void committed(EpochId epoch, List<OpaqueRecord> records) {
        for (OpaqueRecord r : records) {
            if (r.kind() == OpaqueRecord.Kind.HVM_PLATFORM) {
                last.set(HvmPlatform.decode(r.payload()));
            }
        }
        for (OpaqueRecord r : records) {
            if (r.kind() == OpaqueRecord.Kind.DEVICE_SET) {
                checkDevices(epoch, DeviceSet.decode(r.payload(), epoch + ", DEVICE_SET record"));
            }
        }
    }

    @Override
    public boolean consumes(OpaqueRecord.Kind kind) {
        return kind == OpaqueRecord.Kind.HVM_PLATFORM || kind == OpaqueRecord.Kind.DEVICE_SET;
    }

    private void checkDevices(EpochId epoch, DeviceSet primary) {
        Hypervisor hv;
        int replica;
        synchronized (this) {
            if (streamReplica == null) {
                throw new IllegalStateException(epoch + " carries the primary's device set, but no replica was named for this stream");
            }
            hv = streamHv;
            replica = streamReplica.getAsInt();
        }
        DomainInfo domain = hv.domain(replica);
        DomainType type = domain.type();
        Optional<String> why = models.present(type)
                ? primary.difference(models.open(replica).deviceSet()).map(d -> "replica dom " + replica
                        + "'s device model has other devices than the primary's: " + d)
                : Optional.of("the primary's guest has a device model with " + primary.lines().size() + " devices, and replica dom "
                        + replica + " here has none");
        if (why.isEmpty()) {
            log.println("kemari: receive: replica dom " + replica + ": its device model has the primary's " + primary.lines().size()
                    + " devices");
            return;
        }
        // a guest with PV drivers unplugs QEMU's emulated disks and NICs at boot, which a replica
        // that never ran still has; such a guest cannot fail over anyway, and only failover needs the devices
        Optional<String> refused = FailoverCheck.refusal(domain.name(), type, last.get());
        if (refused.isPresent()) {
            log.println("kemari: receive: replica dom " + replica + ": " + why.get() + "; failover is refused anyway ("
                    + refused.get() + "), so the replica is kept up to date");
            return;
        }
        throw new IllegalStateException(why.get() + "; it could not load the primary's device state at failover, so the stream is"
                + " refused (give the replica the guest's emulated devices: replica.xl-config, docs/config-reference.md)");
    }

    /**
     * A new stream starts from a new primary: its records, not the last one's, describe the
     * replica, which {@code replica} names once the stream has built it.
     */
    public synchronized void forget(Hypervisor hv, IntSupplier replica) {
        streamHv = hv;
        streamReplica = replica;
        last.set(null);
        // that replica is discarded with its device model (xl destroy stops the QEMU whose pid libxl records)
        preparedFor = -1;
        prepared = null;
    }

    /**
     * Called while the replica is kept up to date: once it holds a committed epoch with device
     * state, replaces its QEMU by one waiting with -incoming defer, so that failover only loads
     * the state instead of starting a QEMU (seconds under emulation). In the background: it must
     * not delay acknowledgements. Once per replica; a failed preparation leaves failover to
     * start a QEMU as before.
     */
    public synchronized void prepare(Hypervisor hv, int replica) {
        HvmPlatform p = last.get();
        if (preparedFor == replica || p == null || !p.hasDeviceState() || !models.present(hv.domain(replica).type())) {
            return;
        }
        preparedFor = replica;
        String name = hv.domain(replica).name();
        CompletableFuture<ReplicaDeviceModel.Prepared> f = new CompletableFuture<>();
        prepared = f;
        Thread t = new Thread(() -> {
            try (XenStore xs = hv.openXenStore()) {
                ReplicaDeviceModel.Prepared ready = models.replica(replica, name, xs).prepare();
                log.println("kemari: receive: replica dom " + replica + ": device model made ready for failover: QEMU pid "
                        + ready.pid() + " waits with -incoming defer");
                f.complete(ready);
            } catch (InterruptedException e) {
                f.completeExceptionally(e);
            } catch (RuntimeException e) {
                log.println("kemari: receive: replica dom " + replica + ": could not make its device model ready ahead ("
                        + e.getMessage() + "); failover will start one");
                f.completeExceptionally(e);
            }
        }, "kemari-prepare-dm-" + replica);
        t.setDaemon(true);
        t.start();
    }

    /** The QEMU prepared for {@code replica}, waiting for a preparation under way; null if there is none to use. */
    private ReplicaDeviceModel.Prepared ready(int replica) throws InterruptedException {
        CompletableFuture<ReplicaDeviceModel.Prepared> f;
        synchronized (this) {
            f = preparedFor == replica ? prepared : null;
        }
        if (f == null) {
            return null;
        }
        try {
            ReplicaDeviceModel.Prepared p = f.get(ReplicaDeviceModel.START_WAIT_MS, TimeUnit.MILLISECONDS);
            return p.alive() ? p : null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /**
     * Why the replica cannot take over as {@code guest}: the guest uses event channels, or the
     * replica was not built like the primary (a toolstack-set param differs). Empty if it can.
     */
    public Optional<String> refusal(Hypervisor hv, int replica, String guest) {
        DomainType type = hv.domain(replica).type();
        HvmPlatform p = last.get();
        Optional<String> why = FailoverCheck.refusal(guest, type, p);
        if (why.isPresent()) {
            return why;
        }
        for (Map.Entry<Integer, String> e : HvmParams.TOOLSTACK.entrySet()) {
            long mine = hv.hvmParam(replica, e.getKey());
            if (mine != p.param(e.getKey())) {
                return Optional.of("replica dom " + replica + " of " + guest + " has " + e.getValue() + " = 0x" + Long.toHexString(mine)
                        + " where the primary has 0x" + Long.toHexString(p.param(e.getKey()))
                        + ": it was not created from the primary's config");
            }
        }
        if (p.hasDeviceState() != models.present(type)) {
            return Optional.of("guest " + guest + ": the primary " + (p.hasDeviceState() ? "sent" : "did not send")
                    + " device-model state but the replica dom " + replica + " here " + (models.present(type) ? "has" : "has no")
                    + " device model");
        }
        return Optional.empty();
    }

    /** Brings the paused replica's platform to the last committed epoch; the caller unpauses it. */
    public void restore(Hypervisor hv, int replica) throws InterruptedException {
        HvmPlatform p = last.get();
        if (p == null) {
            return;
        }
        for (Map.Entry<Integer, String> e : HvmParams.GUEST.entrySet()) {
            long want = p.param(e.getKey());
            long have = hv.hvmParam(replica, e.getKey());
            if (want != have) {
                hv.setHvmParam(replica, e.getKey(), want);
                log.println("kemari: receive: replica dom " + replica + ": " + e.getValue() + " 0x" + Long.toHexString(have)
                        + " -> 0x" + Long.toHexString(want) + " (the primary's)");
            }
        }
        if (!p.hasDeviceState()) {
            return;
        }
        Path dir = StateFiles.create("replica", replica);
        try (XenStore xs = hv.openXenStore()) {
            Path file = dir.resolve("state");
            Files.write(file, p.deviceState());
            ReplicaDeviceModel.Prepared ready = ready(replica);
            if (ready != null) {
                ready.load(file);
                log.println("kemari: receive: replica dom " + replica + ": device-model state loaded (" + p.deviceState().length
                        + " bytes) into the QEMU made ready before the failure (pid " + ready.pid() + "); its devices run");
                return;
            }
            long pid = models.replica(replica, hv.domain(replica).name(), xs).restart(file);
            log.println("kemari: receive: replica dom " + replica + ": device-model state loaded (" + p.deviceState().length
                    + " bytes) by a new QEMU (pid " + pid + ") started with -incoming; its devices run");
        } catch (IOException e) {
            throw new UncheckedIOException("replica dom " + replica + ": device state file in " + dir + ": " + e.getMessage(), e);
        } finally {
            StateFiles.deleteQuietly(dir);
        }
    }
}
