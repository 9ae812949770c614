package org.kemari.dm;

import java.nio.file.Path;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenStore;

/**
 * Where a backend's domains keep their device models. On real Xen every HVM domain xl creates
 * has a QEMU with a QMP socket in /var/run/xen (PVH has none); the simulator emulates no
 * devices, so its guests have none.
 */
public final class DeviceModels {
    private static final DeviceModels NONE = new DeviceModels(null, null);
    /** Where libxl sends each device model's output (qemu-dm-<name>.log). */
    private static final Path XEN_LOG_DIR = Path.of("/var/log/xen");

    private final Path runDir;
    private final Path logDir;

    DeviceModels(Path runDir, Path logDir) {
        this.runDir = runDir;
        this.logDir = logDir;
    }

    public static DeviceModels of(Hypervisor hv) {
        return "xen".equals(hv.backend()) ? new DeviceModels(DeviceModel.XEN_RUN_DIR, XEN_LOG_DIR) : NONE;
    }

    boolean present(DomainType type) {
        return runDir != null && type == DomainType.HVM;
    }

    DeviceModel open(int domid) {
        return DeviceModel.open(runDir, domid);
    }

    ReplicaDeviceModel replica(int domid, String name, XenStore xs) {
        return new ReplicaDeviceModel(domid, name, runDir, logDir, xs);
    }
}
