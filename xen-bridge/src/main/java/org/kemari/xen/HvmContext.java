package org.kemari.xen;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An HVM context blob as xc_domain_hvm_getcontext returns it: a sequence of save records, each
 * a descriptor (typecode u16, instance u16, length u32, little-endian) followed by its data,
 * starting with the HEADER record (typecode 1: magic, version, changeset, cpuid, gtsc_khz) and
 * ending with END (typecode 0). Opaque to replication; parsed only to check and to compare.
 */
public final class HvmContext {
    public static final int TYPE_END = 0;
    public static final int TYPE_HEADER = 1;
    public static final int TYPE_CPU = 2;
    public static final int TYPE_PMTIMER = 13;
    public static final int TYPE_MTRR = 14;
    public static final int TYPE_CPU_XSAVE = 16;
    /** hvm_save_header.gtsc_khz: the guest TSC's rate. */
    public static final int HEADER_GTSC_KHZ = 20;
    /** hvm_hw_cpu.tsc: the vcpu's TSC at the moment the save started (arch_hvm_save's sync_tsc). */
    public static final int CPU_TSC = 1008;
    /** hvm_hw_acpi (the PMTIMER record): tmr_val, a 32-bit counter at 3.579545 MHz, then pm1a_sts. */
    static final int PM_TMR_VAL = 0;
    static final int PM1A_STS = 4;
    static final long PM_TIMER_HZ = 3_579_545;
    static final int PM_TMR_VAL_MSB = 0x8000_0000;
    static final short PM1A_TMR_STS = 1;
    /** HVM_FILE_MAGIC from public/arch-x86/hvm/save.h. */
    public static final int FILE_MAGIC = 0x54381286;
    public static final int FILE_VERSION = 1;
    public static final int DESCRIPTOR_SIZE = 8;

    private final byte[] blob;

    public HvmContext(byte[] blob) {
        this.blob = blob.clone();
    }

    public byte[] bytes() {
        return blob.clone();
    }

    public int size() {
        return blob.length;
    }

    /** The records in order; fails if the blob is not a well-formed, terminated record sequence. */
    public List<Record> records() {
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        List<Record> out = new ArrayList<>();
        while (b.remaining() >= DESCRIPTOR_SIZE) {
            int type = Short.toUnsignedInt(b.getShort());
            int instance = Short.toUnsignedInt(b.getShort());
            long len = Integer.toUnsignedLong(b.getInt());
            if (len > b.remaining()) {
                throw new IllegalArgumentException("HVM context record type " + type + " claims "
                        + len + " bytes, " + b.remaining() + " left");
            }
            byte[] data = new byte[(int) len];
            b.get(data);
            out.add(new Record(type, instance, data));
            if (type == TYPE_END) {
                return out;
            }
        }
        throw new IllegalArgumentException("HVM context has no END record");
    }

    /** Whether the context has a record of {@code type}. */
    public boolean has(int type) {
        return records().stream().anyMatch(r -> r.type() == type);
    }

    /**
     * What to load back into the domain this context was just saved from, {@code elapsedNanos}
     * later, so that the save leaves the domain's ACPI PM timer as it found it ({@link PmTimerKeeper}
     * says why); empty when the context has no PM timer. Besides the PMTIMER record it carries,
     * from this same save: each vcpu's CPU record, since hvm_load brings up only the vcpus it
     * has one for, with the TSC advanced by {@code elapsedNanos}, since the load re-bases the
     * guest TSC on the host TSC at its own start (arch_hvm_load's sync_tsc); each vcpu's MTRR
     * record, since loading a CPU record on SVM resets the guest PAT, which that record holds;
     * each vcpu's XSAVE record, since the CPU record's FPU area is the legacy part only.
     */
    public Optional<HvmContext> pmTimerReload(long elapsedNanos) {
        if (!has(TYPE_PMTIMER)) {
            return Optional.empty();
        }
        List<Record> all = records();
        long khz = Integer.toUnsignedLong(le(all.get(0).data()).getInt(HEADER_GTSC_KHZ));
        long ticks = elapsedNanos * khz / 1_000_000;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Record r : all) {
            switch (r.type()) {
                case TYPE_HEADER, TYPE_MTRR, TYPE_CPU_XSAVE, TYPE_END -> write(out, r, r.data());
                case TYPE_PMTIMER -> write(out, r, pmTimerAdvanced(r.data(), elapsedNanos));
                case TYPE_CPU -> {
                    byte[] cpu = r.data().clone();
                    ByteBuffer b = le(cpu);
                    b.putLong(CPU_TSC, b.getLong(CPU_TSC) + ticks);
                    write(out, r, cpu);
                }
                default -> {
                }
            }
        }
        return Optional.of(new HvmContext(out.toByteArray()));
    }

    /** The PMTIMER record's counter (tmr_val, a 32-bit count that wraps); the context must have one. */
    public int pmTimer() {
        return le(pmTimerRecord().data()).getInt(PM_TMR_VAL);
    }

    /**
     * This context with its PM timer counter set to {@code value}; the rest is unchanged except
     * that, when the counter moves forward across its top bit, TMR_STS is raised as Xen's own
     * update does.
     */
    public HvmContext withPmTimer(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Record r : records()) {
            write(out, r, r.type() == TYPE_PMTIMER ? pmTimerSet(r.data(), value) : r.data());
        }
        return new HvmContext(out.toByteArray());
    }

    /** How many PM timer ticks {@code nanos} nanoseconds make, without overflow for long spans. */
    public static long pmTimerTicks(long nanos) {
        long seconds = Math.floorDiv(nanos, 1_000_000_000L);
        return seconds * PM_TIMER_HZ + Math.floorMod(nanos, 1_000_000_000L) * PM_TIMER_HZ / 1_000_000_000L;
    }

    private Record pmTimerRecord() {
        return records().stream().filter(r -> r.type() == TYPE_PMTIMER).findFirst()
                .orElseThrow(() -> new IllegalStateException("HVM context has no PMTIMER record"));
    }

    /**
     * hvm_hw_acpi advanced by {@code nanos}: acpi_load counts on from the load, so the time since
     * the save would otherwise be lost at every reload.
     */
    private static byte[] pmTimerAdvanced(byte[] acpi, long nanos) {
        return pmTimerSet(acpi, le(acpi).getInt(PM_TMR_VAL) + (int) pmTimerTicks(nanos));
    }

    private static byte[] pmTimerSet(byte[] acpi, int after) {
        byte[] out = acpi.clone();
        ByteBuffer b = le(out);
        int before = b.getInt(PM_TMR_VAL);
        b.putInt(PM_TMR_VAL, after);
        if (after - before > 0 && ((before ^ after) & PM_TMR_VAL_MSB) != 0) {
            b.putShort(PM1A_STS, (short) (b.getShort(PM1A_STS) | PM1A_TMR_STS));
        }
        return out;
    }

    private static void write(ByteArrayOutputStream out, Record r, byte[] data) {
        ByteBuffer d = ByteBuffer.allocate(DESCRIPTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort((short) r.type()).putShort((short) r.instance()).putInt(data.length);
        out.writeBytes(d.array());
        out.writeBytes(data);
    }

    private static ByteBuffer le(byte[] data) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HvmContext h && Arrays.equals(blob, h.blob);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return "HvmContext[" + blob.length + " bytes]";
    }

    public record Record(int type, int instance, byte[] data) {
    }
}
