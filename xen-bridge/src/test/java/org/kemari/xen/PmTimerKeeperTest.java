package org.kemari.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

    /** A dom0 clock the test moves: each save reads it twice and sees no time pass between. */
    private static final class Clock {
        long nanos = 1_000_000_000L;

        int ticksSince(long start) {
            return (int) HvmContext.pmTimerTicks(nanos - start);
        }
    }

    private static int loadedPmTimer(Domain d) {
        return d.loaded.get(d.loaded.size() - 1).pmTimer();
    }

    private static void guestTimerAt(Domain d, int value) {
        d.context = new HvmContext(d.context).withPmTimer(value).bytes();
    }

    /** A keeper on the test's clock that has made its first load, of {@code value}. */
    private static PmTimerKeeper loadedAt(Domain d, Clock clock, int value) {
        PmTimerKeeper keeper = new PmTimerKeeper(d.hypervisor(), 7, () -> clock.nanos);
        guestTimerAt(d, value);
        keeper.save();
        return keeper;
    }

    @Test
    void theTimerIsHeldOnItsCourseFromTheFirstLoad() {
        Domain d = new Domain();
        Clock clock = new Clock();
        PmTimerKeeper keeper = loadedAt(d, clock, 1_000);
        long anchor = clock.nanos;
        assertThat(loadedPmTimer(d)).isEqualTo(1_000);
        clock.nanos += 2_000_000_000L;
        // Xen's acpi_save counted 0.5 s twice: the course puts it back to 2 s after the load
        guestTimerAt(d, 1_000 + clock.ticksSince(anchor) + 1_789_772);
        HvmContext shipped = keeper.save();
        int catchUp = (int) (HvmContext.pmTimerTicks(2_000_000_000L) * PmTimerKeeper.CATCH_UP_PERCENT / 100);
        assertThat(loadedPmTimer(d)).isEqualTo(1_000 + clock.ticksSince(anchor) + 1_789_772 - catchUp);
        assertThat(shipped.pmTimer()).as("the replica gets the value loaded").isEqualTo(loadedPmTimer(d));
        assertThat(keeper.maxLeadSeconds()).isCloseTo(0.5, within(1e-6));
    }

    @Test
    void aLeadIsTakenBackGraduallyAndTheTimerNeverRunsBackwards() {
        Domain d = new Domain();
        Clock clock = new Clock();
        PmTimerKeeper keeper = loadedAt(d, clock, 0);
        long anchor = clock.nanos;
        // a vcpu waited on QEMU at one save: acpi_save's gain of 0.3 s stays in the timer
        clock.nanos += 300_000_000L;
        d.ioreqPending = true;
        guestTimerAt(d, clock.ticksSince(anchor) * 2);
        assertThat(keeper.save().pmTimer()).as("a skipped load ships what the guest has").isEqualTo(clock.ticksSince(anchor) * 2);
        d.ioreqPending = false;
        int lead = clock.ticksSince(anchor);
        int previous = clock.ticksSince(anchor) * 2;
        for (int epoch = 0; epoch < 40; epoch++) {
            clock.nanos += 300_000_000L;
            // the guest's timer ran on at its rate from the last load, lead included
            guestTimerAt(d, clock.ticksSince(anchor) + lead);
            keeper.save();
            int loaded = loadedPmTimer(d);
            assertThat(loaded - previous).as("epoch " + epoch + " moves the timer forward by at least 95 % of 0.3 s")
                    .isGreaterThanOrEqualTo((int) (HvmContext.pmTimerTicks(300_000_000L) * 95 / 100));
            lead = loaded - clock.ticksSince(anchor);
            previous = loaded;
        }
        assertThat(lead).as("back on course").isZero();
        assertThat(keeper.leadSeconds()).isZero();
    }

    @Test
    void aTimerBehindItsCourseIsPutOnIt() {
        Domain d = new Domain();
        Clock clock = new Clock();
        PmTimerKeeper keeper = loadedAt(d, clock, -100);
        long anchor = clock.nanos;
        clock.nanos += 1_000_000L;
        guestTimerAt(d, -100 + clock.ticksSince(anchor) - 40);
        keeper.save();
        assertThat(loadedPmTimer(d)).isEqualTo(-100 + clock.ticksSince(anchor));
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
