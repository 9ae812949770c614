package org.kemari.xen;

import java.util.Optional;

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
 */
public final class PmTimerKeeper {
    /** HVM_PARAM_TIMER_MODE and its HVMPTM_delay_for_missed_ticks value (public/hvm/params.h). */
    static final int HVM_PARAM_TIMER_MODE = 10;
    static final long HVMPTM_DELAY_FOR_MISSED_TICKS = 0;
    /** The device model's ioreq server: QEMU creates the domain's first and only one. */
    static final int DEVICE_MODEL_IOREQ_SERVER = 0;

    private final Hypervisor hv;
    private final int domid;
    private Boolean delayMode;
    private XenException ioreqUnreadable;
    private long kept;
    private long skippedInFlight;
    private long skippedTimerMode;

    public PmTimerKeeper(Hypervisor hv, int domid) {
        this.hv = hv;
        this.domid = domid;
    }

    /** The domain's context; the domain must be paused. */
    public HvmContext save() {
        long start = System.nanoTime();
        HvmContext saved = hv.hvmContext(domid);
        if (!saved.has(HvmContext.TYPE_PMTIMER)) {
            return saved;
        }
        if (delayMode()) {
            skippedTimerMode++;
            return saved;
        }
        if (ioreqUnreadable != null) {
            return saved;
        }
        try {
            if (hv.ioreqPending(domid, DEVICE_MODEL_IOREQ_SERVER)) {
                skippedInFlight++;
                return saved;
            }
        } catch (XenException e) {
            // without it a reload could repeat a device access: the timer is the lesser harm
            ioreqUnreadable = e;
            return saved;
        }
        hv.setHvmContext(domid, saved.pmTimerReload(System.nanoTime() - start).orElseThrow());
        kept++;
        return saved;
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

    /** Saves after which the PM timer was put back. */
    public long kept() {
        return kept;
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
