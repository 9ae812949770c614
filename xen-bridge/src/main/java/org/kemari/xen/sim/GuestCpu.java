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

    // offsets in vcpu_guest_context: flags at 512, user_regs (struct cpu_user_regs) at 520
    private static final int VGC_FLAGS = 512;
    private static final int VGC_REGS = 520;
    private static final int VGC_CTRLREG = 4984;
    // offsets inside struct cpu_user_regs
    private static final int UR_R15 = 0;
    private static final int UR_RBP = 32;
    private static final int UR_RBX = 40;
    private static final int UR_R11 = 48;
    private static final int UR_RAX = 80;
    private static final int UR_RCX = 88;
    private static final int UR_RDX = 96;
    private static final int UR_RSI = 104;
    private static final int UR_RDI = 112;
    private static final int UR_RIP = 128;
    private static final int UR_RFLAGS = 144;
    private static final int UR_RSP = 152;
    // offsets in struct hvm_hw_cpu
    private static final int HC_RAX = 512;
    private static final int HC_RIP = 640;
    private static final int HC_RFLAGS = 648;
    private static final int HC_CR0 = 656;
    private static final int HC_EFER = 992;
    private static final int HC_FLAGS = 1024;

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

    void load(GuestCpu o) {
        rax = o.rax;
        rbx = o.rbx;
        rcx = o.rcx;
        rdx = o.rdx;
        rsi = o.rsi;
        rdi = o.rdi;
        rbp = o.rbp;
        rsp = o.rsp;
        System.arraycopy(o.r, 0, r, 0, 8);
        rip = o.rip;
        rflags = o.rflags;
        cr0 = o.cr0;
        cr2 = o.cr2;
        cr3 = o.cr3;
        cr4 = o.cr4;
        efer = o.efer;
        online = o.online;
    }

    byte[] toVcpuContext() {
        ByteBuffer b = ByteBuffer.allocate(VCPU_CONTEXT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(VGC_FLAGS, online ? VGCF_ONLINE : 0);
        for (int i = 0; i < 8; i++) {
            // cpu_user_regs starts r15, r14, ... r12, then rbp, rbx, r11, r10, r9, r8
            int off = i < 4 ? UR_R15 + 8 * i : UR_R11 + 8 * (i - 4);
            b.putLong(VGC_REGS + off, r[7 - i]);
        }
        b.putLong(VGC_REGS + UR_RBP, rbp);
        b.putLong(VGC_REGS + UR_RBX, rbx);
        b.putLong(VGC_REGS + UR_RAX, rax);
        b.putLong(VGC_REGS + UR_RCX, rcx);
        b.putLong(VGC_REGS + UR_RDX, rdx);
        b.putLong(VGC_REGS + UR_RSI, rsi);
        b.putLong(VGC_REGS + UR_RDI, rdi);
        b.putLong(VGC_REGS + UR_RIP, rip);
        b.putLong(VGC_REGS + UR_RFLAGS, rflags);
        b.putLong(VGC_REGS + UR_RSP, rsp);
        b.putLong(VGC_CTRLREG, cr0);
        b.putLong(VGC_CTRLREG + 16, cr2);
        b.putLong(VGC_CTRLREG + 24, cr3);
        b.putLong(VGC_CTRLREG + 32, cr4);
        return b.array();
    }

    static GuestCpu fromVcpuContext(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        GuestCpu c = new GuestCpu();
        c.online = (b.getLong(VGC_FLAGS) & VGCF_ONLINE) != 0;
        for (int i = 0; i < 8; i++) {
            int off = i < 4 ? UR_R15 + 8 * i : UR_R11 + 8 * (i - 4);
            c.r[7 - i] = b.getLong(VGC_REGS + off);
        }
        c.rbp = b.getLong(VGC_REGS + UR_RBP);
        c.rbx = b.getLong(VGC_REGS + UR_RBX);
        c.rax = b.getLong(VGC_REGS + UR_RAX);
        c.rcx = b.getLong(VGC_REGS + UR_RCX);
        c.rdx = b.getLong(VGC_REGS + UR_RDX);
        c.rsi = b.getLong(VGC_REGS + UR_RSI);
        c.rdi = b.getLong(VGC_REGS + UR_RDI);
        c.rip = b.getLong(VGC_REGS + UR_RIP);
        c.rflags = b.getLong(VGC_REGS + UR_RFLAGS);
        c.rsp = b.getLong(VGC_REGS + UR_RSP);
        c.cr0 = b.getLong(VGC_CTRLREG);
        c.cr2 = b.getLong(VGC_CTRLREG + 16);
        c.cr3 = b.getLong(VGC_CTRLREG + 24);
        c.cr4 = b.getLong(VGC_CTRLREG + 32);
        return c;
    }

    /**
     * The hvm_hw_cpu record. An HVM context has no "online" flag; Xen treats a vcpu whose CPU
     * record was loaded as up, and so does the simulator.
     */
    void writeHvmCpu(ByteBuffer b) {
        int base = b.position();
        long[] gprs = {rax, rbx, rcx, rdx, rbp, rsi, rdi, rsp};
        for (int i = 0; i < 8; i++) {
            b.putLong(base + HC_RAX + 8 * i, gprs[i]);
            b.putLong(base + HC_RAX + 64 + 8 * i, r[i]);
        }
        b.putLong(base + HC_RIP, rip);
        b.putLong(base + HC_RFLAGS, rflags);
        b.putLong(base + HC_CR0, cr0);
        b.putLong(base + HC_CR0 + 8, cr2);
        b.putLong(base + HC_CR0 + 16, cr3);
        b.putLong(base + HC_CR0 + 24, cr4);
        b.putLong(base + HC_EFER, efer);
        b.putInt(base + HC_FLAGS, FPU_INITIALISED);
        b.position(base + HVM_CPU_SIZE);
    }

    static GuestCpu readHvmCpu(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        GuestCpu c = new GuestCpu();
        c.rax = b.getLong(HC_RAX);
        c.rbx = b.getLong(HC_RAX + 8);
        c.rcx = b.getLong(HC_RAX + 16);
        c.rdx = b.getLong(HC_RAX + 24);
        c.rbp = b.getLong(HC_RAX + 32);
        c.rsi = b.getLong(HC_RAX + 40);
        c.rdi = b.getLong(HC_RAX + 48);
        c.rsp = b.getLong(HC_RAX + 56);
        for (int i = 0; i < 8; i++) {
            c.r[i] = b.getLong(HC_RAX + 64 + 8 * i);
        }
        c.rip = b.getLong(HC_RIP);
        c.rflags = b.getLong(HC_RFLAGS);
        c.cr0 = b.getLong(HC_CR0);
        c.cr2 = b.getLong(HC_CR0 + 8);
        c.cr3 = b.getLong(HC_CR0 + 16);
        c.cr4 = b.getLong(HC_CR0 + 24);
        c.efer = b.getLong(HC_EFER);
        c.online = true;
        return c;
    }
}
