package org.kemari.cli;

import java.util.List;
import org.kemari.config.Backend;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Errno;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.HypervisorProvider;
import org.kemari.xen.Hypervisors;
import org.kemari.xen.XenException;

/** Opens backends and finds domains, turning hypervisor failures into the documented exit codes. */
final class Backends {
    private Backends() {
    }

    static Hypervisor open(Backend backend) {
        String wanted = backend == Backend.AUTO ? Backend.XEN.token() : backend.token();
        List<String> present = Hypervisors.providers().stream().map(HypervisorProvider::name).toList();
        if (!present.contains(wanted)) {
            throw new CliException(ExitCode.BACKEND_UNAVAILABLE, "backend '" + wanted + "' is not in this build"
                    + (present.isEmpty() ? " (no backend is)" : " (available: " + String.join(", ", present) + ")"));
        }
        try {
            return Hypervisors.open(backend.token());
        } catch (XenException e) {
            throw new CliException(ExitCode.BACKEND_UNAVAILABLE, e.getMessage(), e);
        }
    }

    static DomainInfo lookup(Hypervisor hv, String domain) {
        try {
            return hv.lookup(domain);
        } catch (XenException e) {
            if (e.errno() == Errno.ESRCH || e.errno() == Errno.ENOENT) {
                throw new CliException(ExitCode.DOMAIN_NOT_FOUND, "no domain '" + domain + "' on the "
                        + hv.backend() + " backend" + ("xen".equals(hv.backend()) ? " (see 'xl list')" : ""), e);
            }
            throw e;
        }
    }
}
