package org.kemari.xen.jna;

import java.nio.file.Files;

import org.junit.jupiter.api.condition.EnabledIf;
import org.kemari.xen.tck.HypervisorTck;
import org.kemari.xen.tck.TckTarget;

/**
 * The hypervisor TCK on the real Xen backend. Runs only in a dom0 (the testbed); the guests
 * it needs are described in {@link XenTckTarget} (system properties {@code kemari.tck.xen.*}).
 */
@EnabledIf("org.kemari.xen.jna.XenTckTest#dom0")
class XenTckTest extends HypervisorTck {
    private static final TckTarget TARGET = new XenTckTarget();

    static boolean dom0() {
        return Files.exists(XenProvider.PRIVCMD);
    }

    @Override
    protected TckTarget tckTarget() {
        return TARGET;
    }
}
