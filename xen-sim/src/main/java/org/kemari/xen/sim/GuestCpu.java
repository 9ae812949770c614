package org.kemari.xen.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One simulated vcpu's registers: the part of a guest's state that is not in memory. A replica
 * given the same memory and a {@link GuestCpu} with the same values continues identically.
 *
 * <p>Serialised in Xen's own layouts, so contexts look as on real Xen: {@code struct
 * vcpu_guest_context} (x86_64, 5168 bytes) for xc_vcpu_getcontext and {@code struct hvm_hw_cpu}
 * (1032 bytes) for the CPU record of an HVM context. Fields the simulator does not model are
 * zero and ignored on load.
 */
public final class GuestCpu {
    /** sizeof(vcpu_guest_context_x86_64_t). */
    static final int VCPU_CONTEXT_SIZE = 5168;
    /** sizeof(struct hvm_hw_cpu). */
    static final int HVM_CPU_SIZE = 1032;
    /** VGCF_online: the vcpu is up. */
    static final long VGCF_ONLINE = 1L << 5;
    /** XEN_X86_FPU_INITIALISED in hvm_hw_cpu.flags. */
    private static final int FPU_INITIALISED = 1;

    private static final int VGC_FLAGS = 512;
    /** Offset of each register of {@link #all()} in vcpu_guest_context (user_regs at 520, ctrlreg at 4984); -1: absent. */
    private static final int[] VGC_OFFSETS = {
        520 + 80, 520 + 40, 520 + 88, 520 + 96, 520 + 32, 520 + 104, 520 + 112, 520 + 152, // rax..rsp
        520 + 72, 520 + 64, 520 + 56, 520 + 48, 520 + 24, 520 + 16, 520 + 8, 520,           // r8..r15
        520 + 128, 520 + 144,                                                              // rip, rflags
        4984, 4984 + 16, 4984 + 24, 4984 + 32,                                             // cr0, cr2, cr3, cr4
        -1,                                                                                // efer
    };
    /** Offset of each register of {@link #all()} in hvm_hw_cpu: rax..r15, rip, rflags, cr0..cr4 in a row, then efer. */
    private static final int[] HVM_OFFSETS = new int[23];
    private static final int HVM_FLAGS = 1024;

    static {
        for (int i = 0; i < 22; i++) {
            HVM_OFFSETS[i] = 512 + 8 * i;
        }
        HVM_OFFSETS[22] = 992;
    }

    public long rax;
    public long rbx;
    public long rcx;
    public long rdx;
    public long rsi;
    public long rdi;
    public long rbp;
    public long rsp;
    /** r8..r15. */
    public final long[] r = new long[8];
    /** The program counter; {@link GuestProgram#forEntry} maps it to the program being run. */
    public long rip;
    public long rflags = 0x2;
    public long cr0;
    public long cr2;
    public long cr3;
    public long cr4;
    public long efer;
    public boolean online;

    /** The registers in hvm_hw_cpu order: rax rbx rcx rdx rbp rsi rdi rsp r8..r15 rip rflags cr0 cr2 cr3 cr4 efer. */
    private long[] all() {
        return new long[] {rax, rbx, rcx, rdx, rbp, rsi, rdi, rsp, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
            rip, rflags, cr0, cr2, cr3, cr4, efer};
    }

    private void setAll(long[] v) {
        rax = v[0];
        rbx = v[1];
        rcx = v[2];
        rdx = v[3];
        rbp = v[4];
        rsi = v[5];
        rdi = v[6];
        rsp = v[7];
        System.arraycopy(v, 8, r, 0, 8);
        rip = v[16];
        rflags = v[17];
        cr0 = v[18];
        cr2 = v[19];
        cr3 = v[20];
        cr4 = v[21];
        efer = v[22];
    }

    byte[] toVcpuContext() {
        ByteBuffer b = ByteBuffer.allocate(VCPU_CONTEXT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(VGC_FLAGS, online ? VGCF_ONLINE : 0);
        put(b, 0, VGC_OFFSETS);
        return b.array();
    }

    /** Loads a vcpu_guest_context; registers it does not carry (efer) keep their value. */
    void loadVcpuContext(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        online = (b.getLong(VGC_FLAGS) & VGCF_ONLINE) != 0;
        get(b, VGC_OFFSETS);
    }

    /**
     * Appends the hvm_hw_cpu record. An HVM context has no "online" flag; Xen treats a vcpu
     * whose CPU record was loaded as up, and so does the simulator.
     */
    void writeHvmCpu(ByteBuffer b) {
        int base = b.position();
        put(b, base, HVM_OFFSETS);
        b.putInt(base + HVM_FLAGS, FPU_INITIALISED);
        b.position(base + HVM_CPU_SIZE);
    }

    void loadHvmCpu(byte[] data) {
        get(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), HVM_OFFSETS);
        online = true;
    }

    private void put(ByteBuffer b, int base, int[] offsets) {
        long[] v = all();
        for (int i = 0; i < v.length; i++) {
            if (offsets[i] >= 0) {
                b.putLong(base + offsets[i], v[i]);
            }
        }
    }

    /** Registers a layout lacks keep their current value. */
    private void get(ByteBuffer b, int[] offsets) {
        long[] v = all();
        for (int i = 0; i < v.length; i++) {
            if (offsets[i] >= 0) {
                v[i] = b.getLong(offsets[i]);
            }
        }
        setAll(v);
    }
}
