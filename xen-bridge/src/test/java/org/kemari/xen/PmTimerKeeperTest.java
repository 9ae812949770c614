package org.kemari.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PmTimerKeeperTest {
    /** The calls the keeper makes, answered as a paused HVM domain would. */
    private static final class Domain {
        final List<String> calls = new ArrayList<>();
        final List<HvmContext> loaded = new ArrayList<>();
        byte[] context = HvmContextTest.twoVcpuSave(true, 5_000);
        long timerMode = 1;
        boolean ioreqPending;
        /** How many more ioreqPending calls answer true, while >= 0 (overrides ioreqPending). */
        int pendingFor = -1;
        XenException ioreqError;

        Hypervisor hypervisor() {
            return (Hypervisor) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Hypervisor.class},
                    (proxy, method, args) -> {
                        calls.add(method.getName());
                        return switch (method.getName()) {
                            case "hvmContext" -> new HvmContext(context);
                            case "hvmParam" -> {
                                assertThat(args[1]).isEqualTo(PmTimerKeeper.HVM_PARAM_TIMER_MODE);
                                yield timerMode;
                            }
                            case "ioreqPending" -> {
                                if (ioreqError != null) {
                                    throw ioreqError;
                                }
                                if (pendingFor >= 0) {
                                    yield pendingFor-- > 0;
                                }
                                yield ioreqPending;
                            }
                            case "pause", "unpause" -> null;
                            case "setHvmContext" -> {
                                loaded.add((HvmContext) args[1]);
                                yield null;
                            }
                            default -> throw new AssertionError("unexpected call " + method.getName());
                        };
                    });
        }
    }

    @Test
    void thePmTimerIsPutBackAfterEachSave() {
        Domain d = new Domain();
        PmTimerKeeper keeper = new PmTimerKeeper(d.hypervisor(), 7);
        HvmContext first = keeper.save();
        keeper.save();
        assertThat(first).isEqualTo(new HvmContext(d.context));
        assertThat(d.loaded).hasSize(2);
        assertThat(d.loaded.get(0).records()).extracting(HvmContext.Record::type).contains(HvmContext.TYPE_PMTIMER);
        assertThat(d.calls).as("the timer mode is read once").containsOnlyOnce("hvmParam");
        assertThat(keeper.kept()).isEqualTo(2);
        assertThat(keeper.caveat()).isEmpty();
    }

    @Test
    void aVcpuWaitingOnTheDeviceModelIsNotReloaded() {
        Domain d = new Domain();
        d.ioreqPending = true;
        PmTimerKeeper keeper = new PmTimerKeeper(d.hypervisor(), 7);
        keeper.save();
        assertThat(d.loaded).isEmpty();
        assertThat(keeper.skippedInFlight()).isEqualTo(1);
        d.ioreqPending = false;
        keeper.save();
        assertThat(d.loaded).hasSize(1);
    }

    @Test
    void settlingLetsTheGuestRunUntilNoVcpuWaitsOnTheDeviceModel() {
        Domain d = new Domain();
        PmTimerKeeper keeper = new PmTimerKeeper(d.hypervisor(), 7);
        keeper.settle();
        assertThat(d.calls).as("nothing is known of the PM timer before the first save").isEmpty();
        keeper.save();
        d.calls.clear();
        d.pendingFor = 2;
        keeper.settle();
        assertThat(d.calls).containsExactly("ioreqPending", "unpause", "pause", "ioreqPending", "unpause", "pause",
                "ioreqPending");
        keeper.save();
        assertThat(d.loaded).hasSize(2);
        assertThat(keeper.settled()).isEqualTo(2);
    }

    @Test
    void settlingGivesUpAfterItsTries() {
        Domain d = new Domain();
        PmTimerKeeper keeper = new PmTimerKeeper(d.hypervisor(), 7);
        keeper.save();
        d.ioreqPending = true;
        keeper.settle();
        keeper.save();
        assertThat(keeper.settled()).isEqualTo(PmTimerKeeper.SETTLE_TRIES);
        assertThat(keeper.skippedInFlight()).isEqualTo(1);
        assertThat(d.loaded).hasSize(1);
    }

    @Test
    void anUnreadableIoreqPageStopsTheReloadsAndIsSaidOnce() {
        Domain d = new Domain();
        d.ioreqError = new XenException("xenforeignmemory_map_resource(ioreq server 0)", 7, Errno.ENOENT, "");
        PmTimerKeeper keeper = new PmTimerKeeper(d.hypervisor(), 7);
        keeper.save();
        keeper.save();
        assertThat(d.loaded).isEmpty();
        assertThat(d.calls).containsOnlyOnce("ioreqPending");
        assertThat(keeper.caveat()).get().asString().contains("domain 7", "ioreq server 0", "PM timer");
    }

    @Test
    void delayForMissedTicksIsLeftAloneAndSaidSo() {
        Domain d = new Domain();
        d.timerMode = PmTimerKeeper.HVMPTM_DELAY_FOR_MISSED_TICKS;
        PmTimerKeeper keeper = new PmTimerKeeper(d.hypervisor(), 7);
        keeper.save();
        assertThat(d.loaded).isEmpty();
        assertThat(d.calls).doesNotContain("ioreqPending");
        assertThat(keeper.caveat()).get().asString().contains("domain 7", "delay_for_missed_ticks");
    }

    @Test
    void aDomainWithoutPmTimerIsOnlySaved() {
        Domain d = new Domain();
        d.context = HvmContextTest.twoVcpuSave(false, 0);
        PmTimerKeeper keeper = new PmTimerKeeper(d.hypervisor(), 7);
        keeper.save();
        assertThat(d.calls).containsExactly("hvmContext");
        assertThat(keeper.kept()).isZero();
    }
}
