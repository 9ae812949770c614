package org.kemari.xen;

import java.util.Arrays;

/**
 * One vcpu's register state as xc_vcpu_getcontext returns it (vcpu_guest_context_x86_64_t on
 * the xen backend). Opaque bytes: replication copies them, it does not interpret them.
 */
public final class VcpuContext {
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

    @Override
    public boolean equals(Object o) {
        return o instanceof VcpuContext v && v.vcpu == vcpu && Arrays.equals(raw, v.raw);
    }

    @Override
    public int hashCode() {
        return 31 * vcpu + Arrays.hashCode(raw);
    }
}
