package org.kemari.xen.sim;

import org.junit.jupiter.api.AfterEach;
import org.kemari.xen.Hypervisor;

/** A fresh simulated host per test, with its guests destroyed afterwards. */
abstract class SimHostFixture {
    protected final SimHost host = new SimHost();
    protected final Hypervisor hv = host.open();

    @AfterEach
    void stopHost() {
        host.close();
    }
}
