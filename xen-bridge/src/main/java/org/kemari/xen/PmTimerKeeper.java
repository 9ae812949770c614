package org.kemari.xen;

import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Saves the HVM context of a paused domain without moving the guest's ACPI PM timer.
 *
 * <p>Xen 4.17's acpi_save (xen/arch/x86/hvm/pmtimer.c) brings tmr_val up to the guest's time
 * but leaves last_gtime, the moment the counter was last brought up to date, where it was. The
 * guest's next read of the timer (pmt_update_time), or the next save, adds the same interval
 * again, so every save pushes the guest's PM timer ahead by the time since the guest last read
 * it: a protected guest taking an epoch every few hundred milliseconds gains minutes within
 * minutes. acpi_load sets last_gtime to the guest's time, so loading the record just saved puts
 * the counter back on its course ({@link HvmContext#pmTimerReload} says what else that load
 * must carry).
 *
 * <p>The load is skipped in the cases where it would do harm:
 * <ul>
 * <li>a vcpu waits on the device model (an ioreq not yet answered or not yet taken): loading its
 * CPU record cancels the emulation in flight (hvmemul_cancel), and the vcpu would issue the same
 * port or MMIO access again. The PM timer keeps that one save's gain.</li>
 * <li>the domain's timer mode is delay_for_missed_ticks: there the vcpus' guest time freezes
 * while they are descheduled and jumps back to the frozen value when they run, while acpi_load
 * sets last_gtime from the unfrozen time; the guest's next read would then compute a negative
 * interval. libxl's default is no_delay_for_missed_ticks.</li>
 * <li>the device model's ioreq page cannot be read: whether a vcpu waits cannot be told.</li>
 * </ul>
 * The last two are said once ({@link #caveat()}).
 *
 * <p>A skipped load leaves the timer ahead by the time since the last load, and putting back the
 * value just saved would keep that lead for good: every skip adds to it, and the guest sees its
 * PM timer run fast. So the keeper holds the course itself: the first load fixes where the
 * counter stands at a moment of dom0's monotonic clock, and from then on the counter's true
 * value is that plus 3.579545 MHz times the dom0 time since. A save's value above the course is
 * a lead, and reloads take it back gradually, by at most {@link #CATCH_UP_PERCENT} of the time
 * since the previous save, since the guest may already have read the timer ahead: a counter that
 * stood still for a whole epoch's worth would look to Linux's clocksource watchdog like a clock
 * that stopped. A save below the course (the load's own latency) is put forward onto it at once.
 * The context returned, which is what the replica receives, carries the value loaded.
 */
public final class PmTimerKeeper {
    /** HVM_PARAM_TIMER_MODE and its HVMPTM_delay_for_missed_ticks value (public/hvm/params.h). */
    static final int HVM_PARAM_TIMER_MODE = 10;
    static final long HVMPTM_DELAY_FOR_MISSED_TICKS = 0;
    /** The device model's ioreq server: QEMU creates the domain's first and only one. */
    static final int DEVICE_MODEL_IOREQ_SERVER = 0;
    /**
     * How often, and for how long each time, {@link #settle} lets the guest run so that a vcpu
     * waiting on the device model takes its answer. On the testbed a guest printing a line to its
     * serial console every 100 ms was caught waiting at half of all pauses (each character is a
     * request to QEMU, slow under emulation); 20 runs of 0.2 ms still left 7 % of the reloads
     * skipped, so the runs are long enough to let a line's burst end.
     */
    static final int SETTLE_TRIES = 25;
    static final long SETTLE_RUN_NANOS = 2_000_000;
    /**
     * How much of the time since the previous save a reload may take back of a lead: the PM timer
     * then runs at no less than 95 % of its rate until it is back on course. Linux's clocksource
     * watchdog marks a clock unstable beyond 62.5 ms of skew in its 0.5 s interval (12.5 %).
     */
    static final long CATCH_UP_PERCENT = 5;

    private final Hypervisor hv;
    private final int domid;
    private final LongSupplier clock;
    private boolean onCourse;
    private int courseValue;
    private long courseNanos;
    private long previousSaveNanos;
    private int lead;
    private int maxLead;
    private Boolean delayMode;
    private XenException ioreqUnreadable;
    private long kept;
    private long skippedInFlight;
    private long skippedTimerMode;
    private boolean hasPmTimer;
    private long settled;

    public PmTimerKeeper(Hypervisor hv, int domid) {
        this(hv, domid, System::nanoTime);
    }

    PmTimerKeeper(Hypervisor hv, int domid, LongSupplier clock) {
        this.hv = hv;
        this.domid = domid;
        this.clock = clock;
    }

    /**
     * Called right after the caller paused the domain, before it reads anything of it: while a
     * vcpu waits on the device model, lets the domain run for a moment and pauses it again (at
     * most {@link #SETTLE_TRIES} times), so that the {@link #save} that follows can put the PM
     * timer back. Each skipped reload leaves the timer one interval ahead for good: the next
     * save counts the time since the last reload again. Does nothing until a save has shown
     * that the domain has a PM timer worth keeping.
     */
    public void settle() {
        if (!hasPmTimer || delayMode() || ioreqUnreadable != null) {
            return;
        }
        for (int i = 0; i < SETTLE_TRIES && pending(); i++) {
            hv.unpause(domid);
            LockSupport.parkNanos(SETTLE_RUN_NANOS);
            hv.pause(domid);
            settled++;
        }
    }

    /**
     * The domain's context, its PM timer where the keeper puts it back to (the saved one when it
     * cannot); the domain must be paused.
     */
    public HvmContext save() {
        long start = clock.getAsLong();
        long sincePrevious = start - previousSaveNanos;
        previousSaveNanos = start;
        HvmContext saved = hv.hvmContext(domid);
        hasPmTimer = saved.has(HvmContext.TYPE_PMTIMER);
        if (!hasPmTimer) {
            return saved;
        }
        if (delayMode()) {
            skippedTimerMode++;
            return saved;
        }
        if (ioreqUnreadable != null) {
            return saved;
        }
        if (pending()) {
            skippedInFlight++;
            return saved;
        }
        if (ioreqUnreadable != null) {
            return saved;
        }
        HvmContext shipped = onCourse ? saved.withPmTimer(course(saved.pmTimer(), start, sincePrevious)) : saved;
        long load = clock.getAsLong();
        HvmContext reload = shipped.pmTimerReload(load - start).orElseThrow();
        hv.setHvmContext(domid, reload);
        if (!onCourse) {
            onCourse = true;
            courseValue = reload.pmTimer();
            courseNanos = load;
        }
        kept++;
        return shipped;
    }

    /**
     * Where the counter saved as {@code saved} at {@code now} is put back to: the guest may have
     * read it just before the pause, so the step back is at most {@link #CATCH_UP_PERCENT} of the
     * time since the previous save.
     */
    private int course(int saved, long now, long sincePrevious) {
        int onTime = courseValue + (int) HvmContext.pmTimerTicks(now - courseNanos);
        int ahead = saved - onTime;
        maxLead = Math.max(maxLead, ahead);
        long catchUp = HvmContext.pmTimerTicks(sincePrevious) * CATCH_UP_PERCENT / 100;
        lead = ahead <= catchUp ? 0 : (int) (ahead - catchUp);
        return onTime + lead;
    }

    private boolean pending() {
        try {
            return hv.ioreqPending(domid, DEVICE_MODEL_IOREQ_SERVER);
        } catch (XenException e) {
            // without it a reload could repeat a device access: the timer is the lesser harm
            ioreqUnreadable = e;
            return false;
        }
    }

    /** Why this domain's PM timer moves with each save, when it does; empty while it is kept. */
    public Optional<String> caveat() {
        if (ioreqUnreadable != null) {
            return Optional.of("domain " + domid + ": cannot tell whether a vcpu waits on the device model ("
                    + ioreqUnreadable.getMessage() + "): each context save moves its ACPI PM timer ahead (Xen's acpi_save)");
        }
        if (skippedTimerMode > 0) {
            return Optional.of("domain " + domid + " has timer_mode=\"delay_for_missed_ticks\": each context save "
                    + "moves its ACPI PM timer ahead (Xen's acpi_save); use the default timer_mode");
        }
        return Optional.empty();
    }

    /** How far ahead of its course the PM timer was left by the last load, in seconds. */
    public double leadSeconds() {
        return lead / (double) HvmContext.PM_TIMER_HZ;
    }

    /** The most a save found the PM timer ahead of its course, in seconds. */
    public double maxLeadSeconds() {
        return maxLead / (double) HvmContext.PM_TIMER_HZ;
    }

    /** Saves after which the PM timer was put back. */
    public long kept() {
        return kept;
    }

    /** Times {@link #settle} let the domain run for a vcpu waiting on the device model. */
    public long settled() {
        return settled;
    }

    /** Saves whose PM timer gain stayed because a vcpu waited on the device model. */
    public long skippedInFlight() {
        return skippedInFlight;
    }

    private boolean delayMode() {
        if (delayMode == null) {
            delayMode = hv.hvmParam(domid, HVM_PARAM_TIMER_MODE) == HVMPTM_DELAY_FOR_MISSED_TICKS;
        }
        return delayMode;
    }
}
