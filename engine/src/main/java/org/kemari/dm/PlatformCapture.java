package org.kemari.dm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;

/**
 * Primary: adds an HVM_PLATFORM record to every epoch of an HVM or PVH guest, taken while the
 * guest is paused so that it matches that epoch's memory: the HVM params a replica needs and,
 * for an HVM guest with a device model, QEMU's device state. A PV guest gets nothing.
 * While open, QEMU logs its own writes into guest memory dirty; each epoch saves QEMU's state
 * before the harvest (QEMU stops its devices for the save, draining their I/O, and resumes them).
 * The first epoch also carries QEMU's device set (DEVICE_SET), taken at open, outside any pause:
 * the secondary refuses a replica whose device model could not load this state.
 */
public final class PlatformCapture implements EpochContributor, AutoCloseable {
    private final Hypervisor hv;
    private final int domid;
    private final DomainType type;
    private final DeviceModel deviceModel;
    private final Path workDir;
    /** Null once sent: one capture is opened per stream, and the set goes in its first epoch. */
    private DeviceSet deviceSet;
    private byte[] deviceState = new byte[0];
    private EpochId saved;

    private PlatformCapture(Hypervisor hv, int domid, DomainType type, DeviceModel deviceModel, Path workDir, DeviceSet deviceSet) {
        this.hv = hv;
        this.domid = domid;
        this.type = type;
        this.deviceModel = deviceModel;
        this.workDir = workDir;
        this.deviceSet = deviceSet;
    }

    public static PlatformCapture open(Hypervisor hv, int domid, DeviceModels models) {
        DomainType type = hv.domain(domid).type();
        if (!models.present(type)) {
            return new PlatformCapture(hv, domid, type, null, null, null);
        }
        Path dir = StateFiles.create("primary", domid);
        try {
            DeviceModel dm = models.open(domid);
            DeviceSet devices = dm.deviceSet();
            dm.globalDirtyLog(true);
            return new PlatformCapture(hv, domid, type, dm, dir, devices);
        } catch (RuntimeException e) {
            StateFiles.deleteQuietly(dir);
            throw e;
        }
    }

    /**
     * Saves the device state before the harvest: the save drains QEMU's block I/O, and a DMA
     * write that drain completes must be in this epoch's pages.
     */
    @Override
    public void quiesce(EpochId epoch) {
        if (deviceModel != null) {
            deviceState = deviceModel.save(workDir.resolve("state"));
            saved = epoch;
        }
    }

    @Override
    public List<OpaqueRecord> capture(EpochId epoch) {
        if (!type.hasHvmContext()) {
            return List.of();
        }
        Map<Integer, Long> params = new TreeMap<>();
        for (int index : HvmParams.CAPTURED) {
            long v = hv.hvmParam(domid, index);
            if (v != 0) {
                params.put(index, v);
            }
        }
        if (deviceModel != null && !epoch.equals(saved)) {
            throw new IllegalStateException("dom " + domid + ": epoch " + epoch.number()
                    + " captured without saving its device model first (quiesce)");
        }
        byte[] state = deviceState;
        byte[] payload = new HvmPlatform(params, state).encode();
        if (payload.length > Wire.MAX_RECORD) {
            throw new IllegalStateException("dom " + domid + ": device-model state of " + state.length
                    + " bytes does not fit an epoch record (at most " + Wire.MAX_RECORD + ")");
        }
        OpaqueRecord platform = new OpaqueRecord(OpaqueRecord.Kind.HVM_PLATFORM, payload);
        if (deviceSet == null) {
            return List.of(platform);
        }
        OpaqueRecord devices = new OpaqueRecord(OpaqueRecord.Kind.DEVICE_SET, deviceSet.encode());
        deviceSet = null;
        return List.of(platform, devices);
    }

    /** Why failover of this guest will be refused, judged from its state now (the secondary judges again at failover). */
    public Optional<String> failoverRefusal(String guest) {
        long callback = type.hasHvmContext() ? hv.hvmParam(domid, HvmParams.CALLBACK_IRQ) : 0;
        return FailoverCheck.refusal(guest, type, new HvmPlatform(Map.of(HvmParams.CALLBACK_IRQ, callback), new byte[0]));
    }

    /** Turns QEMU's dirty logging off again, unless QEMU is gone with its domain. */
    @Override
    public void close() {
        if (deviceModel != null) {
            try {
                deviceModel.globalDirtyLog(false);
            } catch (QmpException e) {
                if (!e.connectionLost()) {
                    throw e;
                }
            } finally {
                StateFiles.deleteQuietly(workDir);
            }
        }
    }
}
