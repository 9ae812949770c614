package org.kemari.dm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.kemari.ft.EpochConsumer;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenStore;

/**
 * Secondary: keeps the HVM platform record of the last committed epoch and, at failover, puts
 * it into the replica — the guest-set HVM params, then QEMU's device state — after checking that
 * this guest can be failed over at all ({@link FailoverCheck}).
 */
public final class HvmTakeover implements EpochConsumer {
    private final DeviceModels models;
    private final PrintStream log;
    private final AtomicReference<HvmPlatform> last = new AtomicReference<>();

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
    }

    @Override
    public boolean consumes(OpaqueRecord.Kind kind) {
        return kind == OpaqueRecord.Kind.HVM_PLATFORM;
    }

    /** A new stream starts from a new primary: its records, not the last one's, describe the replica. */
    public void forget() {
        last.set(null);
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
