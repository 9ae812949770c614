package org.kemari.testbed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kemari.xen.HvmContext;

/**
 * The fields of an HVM context that Xen computes from the clock at the moment it is saved
 * (public/arch-x86/hvm/save.h; xen/arch/x86/hvm/{hvm,rtc,hpet,pmtimer}.c in 4.17): the guest's
 * clocks. Two paused domains whose guest state is identical still differ there, by the time
 * between their reads and between the primary's capture and the replica's load. ReplicaCompare
 * leaves them out of the byte comparison and checks instead that each clock of the replica
 * reads the same guest time as the primary's within {@link #TOLERANCE_S}.
 */
final class GuestClocks {
    /** How far apart the two domains' clocks may read: the last epoch's capture-to-load time and the gap between the reads. */
    static final double TOLERANCE_S = 30;

    private static final int TYPE_HEADER = 1;
    private static final int TYPE_CPU = 2;
    private static final int TYPE_RTC = 11;
    private static final int TYPE_HPET = 12;
    private static final int TYPE_PMTIMER = 13;
    /** hvm_save_header.gtsc_khz: the guest TSC's rate. */
    private static final int HEADER_GTSC_KHZ = 20;
    /** hvm_hw_cpu.tsc: hvm_get_guest_tsc() when saved. */
    private static final int CPU_TSC = 1008;
    /** hvm_hw_hpet.mc64: mc_offset + guest time when saved; capability bits 63:32, the tick in fs. */
    private static final int HPET_MC64 = 240;
    private static final int HPET_TIMERS = 256;
    private static final int HPET_TIMER_SIZE = 32;
    private static final long HPET_TN_PERIODIC = 1 << 3;
    /**
     * hvm_hw_acpi.tmr_val at 3.579545 MHz. acpi_save advances it by the time since the timer was
     * last brought up to date without recording that it did; kemari's saves put it back
     * (PmTimerKeeper), ReplicaCompare's and ClockWatch's too.
     */
    private static final int PM_TMR_VAL = 0;
    private static final int PM1A_STS = 4;
    private static final double PM_TIMER_HZ = 3_579_545;

    private GuestClocks() {
    }

    /**
     * Whether byte {@code offset} of a record of {@code type} is a clock reading, given the
     * primary's record (a periodic HPET timer's comparator is advanced to the next period on save;
     * a one-shot timer's is what the guest set, and is compared).
     */
    static boolean isClock(int type, byte[] primary, int offset) {
        switch (type) {
            case TYPE_CPU:
                return within(offset, CPU_TSC, 8);
            case TYPE_RTC:
                // seconds, minutes, hours, then weekday, day, month, year: refreshed from host time
                // plus the domain's rtc_offset on load and on each update; the alarms (1, 3, 5)
                // and rtc_offset (16) are guest state and compared
                return offset == 0 || offset == 2 || offset == 4 || within(offset, 6, 4);
            case TYPE_HPET:
                if (within(offset, HPET_MC64, 8)) {
                    return true;
                }
                int timer = (offset - HPET_TIMERS) / HPET_TIMER_SIZE;
                if (offset < HPET_TIMERS || timer > 2 || !within(offset, HPET_TIMERS + timer * HPET_TIMER_SIZE + 8, 8)) {
                    return false;
                }
                return (le(primary).getLong(HPET_TIMERS + timer * HPET_TIMER_SIZE) & HPET_TN_PERIODIC) != 0;
            case TYPE_PMTIMER:
                // tmr_val, and pm1a_sts, whose TMR_STS bit acpi_save sets when tmr_val's top bit flips
                return within(offset, PM_TMR_VAL, 4) || offset == PM1A_STS;
            default:
                return false;
        }
    }

    /** Each clock of the context as seconds of guest time, by name; clocks the context lacks are absent. */
    static Map<String, Double> read(List<HvmContext.Record> records) {
        Map<String, Double> out = new LinkedHashMap<>();
        long tscKhz = 0;
        for (HvmContext.Record r : records) {
            ByteBuffer b = le(r.data());
            switch (r.type()) {
                case TYPE_HEADER -> tscKhz = Integer.toUnsignedLong(b.getInt(HEADER_GTSC_KHZ));
                case TYPE_CPU -> {
                    if (tscKhz > 0) {
                        out.put("tsc of vcpu " + r.instance(), unsigned(b.getLong(CPU_TSC)) / (tscKhz * 1000.0));
                    }
                }
                case TYPE_HPET -> {
                    long femtoseconds = b.getLong(0) >>> 32;
                    out.put("hpet main counter", unsigned(b.getLong(HPET_MC64)) * femtoseconds / 1e15);
                }
                case TYPE_PMTIMER -> out.put("acpi pm timer", Integer.toUnsignedLong(b.getInt(PM_TMR_VAL)) / PM_TIMER_HZ);
                default -> {
                }
            }
        }
        return out;
    }

    /** The PM timer wraps every 2^32 ticks (20 min): its difference is taken modulo that. */
    static double difference(String clock, double primary, double replica) {
        double d = primary - replica;
        if (clock.equals("acpi pm timer")) {
            double wrap = (1L << 32) / PM_TIMER_HZ;
            d = ((d % wrap) + wrap + wrap / 2) % wrap - wrap / 2;
        }
        return d;
    }

    private static boolean within(int offset, int start, int length) {
        return offset >= start && offset < start + length;
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
    }

    private static ByteBuffer le(byte[] data) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }
}
