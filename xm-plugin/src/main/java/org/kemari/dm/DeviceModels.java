package org.kemari.dm;

import java.nio.file.Path;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;

/**
 * Where a backend's domains keep their device models. On real Xen every HVM domain xl creates
 * has a QEMU with a QMP socket in /var/run/xen (PVH has none); the simulator emulates no
 * devices, so its guests have none.
 */
public final class DeviceModels {
    private static final DeviceModels NONE = new DeviceModels(null);

    private final Path runDir;

    DeviceModels(Path runDir) {
        this.runDir = runDir;
    }

    public static DeviceModels of(Hypervisor hv) {
        return "xen".equals(hv.backend()) ? new DeviceModels(DeviceModel.XEN_RUN_DIR) : NONE;
    }

    boolean present(DomainType type) {
        return runDir != null && type == DomainType.HVM;
    }

    DeviceModel open(int domid) {
        return DeviceModel.open(runDir, domid);
    }
}
