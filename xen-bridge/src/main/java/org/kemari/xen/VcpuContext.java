package org.kemari.xen;

import java.util.Arrays;

/**
 * One vcpu's register state as xc_vcpu_getcontext returns it (vcpu_guest_context_x86_64_t on
 * the xen backend). Opaque bytes: replication copies them, it does not interpret them.
 */
public final class VcpuContext {
    /**
     * offsetof(vcpu_guest_context_x86_64_t, vm_assist). The one field replication reads: Xen
     * keeps the bits per domain, reports them in every vcpu's context and takes them only from
     * vcpu 0's, and no HVM context record carries them.
     */
    public static final int VM_ASSIST_OFFSET = 5136;

    private final int vcpu;
    private final byte[] raw;

    public VcpuContext(int vcpu, byte[] raw) {
        this.vcpu = vcpu;
        this.raw = raw.clone();
    }

    public int vcpu() {
        return vcpu;
    }

    public byte[] bytes() {
        return raw.clone();
    }

    /** The domain's VMASST_TYPE_* bits (public/xen.h). */
    public long vmAssist() {
        return java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(VM_ASSIST_OFFSET);
    }

    public VcpuContext withVmAssist(long bits) {
        byte[] copy = raw.clone();
        java.nio.ByteBuffer.wrap(copy).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(VM_ASSIST_OFFSET, bits);
        return new VcpuContext(vcpu, copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VcpuContext v && v.vcpu == vcpu && Arrays.equals(raw, v.raw);
    }

    @Override
    public int hashCode() {
        return 31 * vcpu + Arrays.hashCode(raw);
    }
}
