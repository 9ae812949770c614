package org.kemari.xen.sim.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kemari.xen.VcpuContext;

/** Brings a simulated guest's vcpu online at its program's entry, as its kernel's boot would. */
final class VcpuEntry {
    // vcpu_guest_context (x86_64, public/arch-x86/xen.h): flags at 512, cpu_user_regs from 520.
    private static final int VGC_FLAGS = 512;
    private static final long VGCF_ONLINE = 1L << 5;
    private static final int VGC_RAX = 520 + 80;
    private static final int VGC_RIP = 520 + 128;
    private static final long SEED_MIX = 0x9E3779B97F4A7C15L;

    private VcpuEntry() {
    }

    /** The vcpu online at {@code entry}, with a non-zero memory-touch generator derived from {@code seed}. */
    static VcpuContext at(VcpuContext blank, long entry, long seed) {
        ByteBuffer regs = ByteBuffer.wrap(blank.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        long generator = seed * SEED_MIX + (blank.vcpu() + 1) * 0xBF58476D1CE4E5B9L;
        regs.putLong(VGC_FLAGS, regs.getLong(VGC_FLAGS) | VGCF_ONLINE);
        regs.putLong(VGC_RAX, generator == 0 ? SEED_MIX : generator);
        regs.putLong(VGC_RIP, entry);
        return new VcpuContext(blank.vcpu(), regs.array());
    }
}
