package org.kemari.ft.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.timing.StageTimes;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * A device model must be stopped before the harvest and resumed before the unpause: a DMA
 * write it finishes while stopping belongs to this epoch's pages, and a guest that runs while
 * its device model is stopped loses device accesses.
 */
class EpochCaptureOrderTest {
    private static final Set<String> WATCHED = Set.of("pause", "cleanLogDirty", "unpause");
    private final List<String> events = new ArrayList<>();

    private Hypervisor recording(Hypervisor hv) {
        return (Hypervisor) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Hypervisor.class},
                (proxy, method, args) -> {
                    if (WATCHED.contains(method.getName())) {
                        events.add(method.getName());
                    }
                    try {
                        return method.invoke(hv, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private final class DeviceModelStandIn implements EpochContributor {
        private final String name;
        private final boolean failCapture;

        DeviceModelStandIn(String name, boolean failCapture) {
            this.name = name;
            this.failCapture = failCapture;
        }

        @Override
        public void quiesce(EpochId epoch) {
            events.add(name + ".quiesce");
        }

        @Override
        public List<OpaqueRecord> capture(EpochId epoch) {
            events.add(name + ".capture");
            if (failCapture) {
                throw new IllegalStateException(name + " cannot capture");
            }
            return List.of();
        }

        @Override
        public void resume() {
            events.add(name + ".resume");
        }
    }

    private void captureOne(List<EpochContributor> contributors) throws Exception {
        try (SimHost host = new SimHost(); Hypervisor sim = host.open()) {
            int domid = host.createGuest(GuestSpec.memtouch("g1"));
            Hypervisor hv = recording(sim);
            hv.enableLogDirty(domid);
            try (GrantTables grants = hv.openGrantTables()) {
                var guest = hv.domain(domid);
                DirtyBitmap ram = GuestRam.of(hv, domid, guest.maxGpfn() + 1);
                CapturedEpoch into = new CapturedEpoch();
                into.reset(1);
                new EpochCapture(hv, guest, grants, contributors, ram, w -> { }, new StageTimes()).capture(into, null);
            }
        }
    }

    @Test
    void contributorsAreQuiescedBeforeTheHarvestAndResumedBeforeTheUnpause() throws Exception {
        captureOne(List.of(new DeviceModelStandIn("dm", false), new DeviceModelStandIn("disk", false)));
        assertThat(events).containsExactly("pause", "dm.quiesce", "disk.quiesce", "cleanLogDirty",
                "dm.capture", "disk.capture", "disk.resume", "dm.resume", "unpause");
    }

    @Test
    void aFailedCaptureStillResumesEveryQuiescedContributorAndUnpauses() {
        assertThatThrownBy(() -> captureOne(List.of(new DeviceModelStandIn("dm", true))))
                .hasMessage("dm cannot capture");
        assertThat(events).containsExactly("pause", "dm.quiesce", "cleanLogDirty", "dm.capture", "dm.resume", "unpause");
    }
}
