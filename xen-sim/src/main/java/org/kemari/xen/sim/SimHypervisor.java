package org.kemari.xen.sim;

import java.nio.ByteBuffer;
import java.util.List;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainType;
import org.kemari.xen.Errno;
import org.kemari.xen.EventChannels;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.HvmContext;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;
import org.kemari.xen.XenStore;

/** dom0's handle on a {@link SimHost}; operations and errors named after the libxenctrl calls. */
final class SimHypervisor implements Hypervisor {
    private static final String SHADOW_OP = "xc_shadow_control";

    private final SimHost host;
    private volatile boolean closed;

    SimHypervisor(SimHost host) {
        this.host = host;
    }

    @Override
    public String backend() {
        return "sim";
    }

    @Override
    public List<DomainInfo> domains() {
        open("xc_domain_getinfolist");
        return host.infos();
    }

    @Override
    public DomainInfo domain(int domid) {
        open("xc_domain_getinfo");
        return host.info("xc_domain_getinfo", domid);
    }

    @Override
    public DomainInfo lookup(String nameOrId) {
        String op = "libxl_name_to_domid";
        open(op);
        if (nameOrId != null && nameOrId.matches("\\d{1,5}")) {
            return host.info(op, Integer.parseInt(nameOrId));
        }
        for (DomainInfo d : host.infos()) {
            if (d.name().equals(nameOrId)) {
                return d;
            }
        }
        throw new XenException(op, XenException.NO_DOMAIN, Errno.ESRCH, "no domain named '" + nameOrId + "'");
    }

    @Override
    public int createDomain(DomainConfig config) {
        open("xc_domain_create");
        return host.create("xc_domain_create", config);
    }

    @Override
    public void pause(int domid) {
        open("xc_domain_pause");
        host.guestDomain("xc_domain_pause", domid).pause("xc_domain_pause");
    }

    @Override
    public void unpause(int domid) {
        open("xc_domain_unpause");
        host.guestDomain("xc_domain_unpause", domid).unpause("xc_domain_unpause");
    }

    @Override
    public void destroy(int domid) {
        open("xc_domain_destroy");
        host.destroy("xc_domain_destroy", domid);
    }

    @Override
    public void enableLogDirty(int domid) {
        SimDomain d = guest(SHADOW_OP, domid);
        if (d.type == DomainType.PV) {
            throw new XenException(SHADOW_OP, domid, Errno.EOPNOTSUPP, "log-dirty for a PV guest needs "
                    + "shadow paging, which Xen 4.17 as built by Debian lacks; use a PVH or HVM guest");
        }
        d.stopped(SHADOW_OP, () -> {
            if (d.dirty.enabled()) {
                throw new XenException(SHADOW_OP, domid, Errno.EINVAL, "log-dirty mode is already enabled");
            }
            d.dirty.enable();
            return null;
        });
    }

    @Override
    public void disableLogDirty(int domid) {
        SimDomain d = guest(SHADOW_OP, domid);
        d.stopped(SHADOW_OP, () -> {
            d.dirty.disable();
            return null;
        });
    }

    /** With log-dirty off Xen has no bitmap and reports every page clean; so does the simulator. */
    @Override
    public long cleanLogDirty(int domid, DirtyBitmap into) {
        return harvest(domid, into, true);
    }

    @Override
    public long peekLogDirty(int domid, DirtyBitmap into) {
        return harvest(domid, into, false);
    }

    private long harvest(int domid, DirtyBitmap into, boolean clean) {
        SimDomain d = guest(SHADOW_OP, domid);
        if (into == null) {
            throw new XenException(SHADOW_OP, domid, Errno.EFAULT, "no bitmap to fill");
        }
        return d.stopped(SHADOW_OP, () -> d.dirty.harvest(into, clean));
    }

    /** A simulated domain's RAM is 0..pages-1 plus what was populated, less the frames Xen's pages took. */
    @Override
    public java.util.BitSet ramFrames(int domid, long firstPfn, int count) {
        SimDomain d = guest("xc_get_pfn_type_batch", domid);
        java.util.BitSet ram = new java.util.BitSet(count);
        for (int i = 0; i < count; i++) {
            if (d.isRam(firstPfn + i)) {
                ram.set(i);
            }
        }
        return ram;
    }

    /**
     * Frames beyond the RAM a simulated domain was built with; EEXIST for a frame it has. Unlike
     * Xen, no memory limit applies: a simulated domain's limit is its RAM, so it has no headroom.
     */
    @Override
    public void populate(int domid, long[] pfns, int count) {
        String op = "xc_domain_populate_physmap_exact";
        SimDomain d = guest(op, domid);
        if (pfns == null || count <= 0 || count > pfns.length) {
            throw new XenException(op, domid, Errno.EINVAL, "bad frame count " + count);
        }
        for (int i = 0; i < count; i++) {
            long pfn = pfns[i];
            if (pfn < 0 || d.isRam(pfn) || d.sharedInfoFrame().orElse(-1) == pfn) {
                throw new XenException(op, domid, pfn < 0 ? Errno.EINVAL : Errno.EEXIST, "pfn " + Long.toHexString(pfn)
                        + (pfn < 0 ? " is negative" : " is populated already"));
            }
        }
        for (int i = 0; i < count; i++) {
            if (d.isFreed(pfns[i])) {
                d.refill(pfns[i]);
            } else {
                d.populated.put(pfns[i], ByteBuffer.allocateDirect(ForeignMapping.PAGE_SIZE));
            }
        }
    }

    /** Frames that are not RAM (beyond it, or given up to a Xen page) fail one by one with EINVAL, as a p2m miss does in Xen. */
    @Override
    public ForeignMapping map(int domid, long[] pfns, int count, boolean writable) {
        String op = "xenforeignmemory_map";
        SimDomain d = guest(op, domid);
        if (pfns == null || count <= 0 || count > pfns.length) {
            throw new XenException(op, domid, Errno.EINVAL, "bad frame count " + count + " for "
                    + (pfns == null ? "no" : Integer.toString(pfns.length)) + " pfns");
        }
        long[] mapped = java.util.Arrays.copyOf(pfns, count);
        int[] errors = new int[count];
        ByteBuffer[] pages = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            ByteBuffer extra = d.populated.get(mapped[i]);
            if (extra != null) {
                pages[i] = writable ? extra.duplicate() : extra.asReadOnlyBuffer();
            } else if (!d.isRam(mapped[i])) {
                errors[i] = Errno.EINVAL;
            } else {
                ByteBuffer view = d.memory.frame(mapped[i]);
                pages[i] = writable ? view : view.asReadOnlyBuffer();
            }
        }
        return new SimForeignMapping(op, domid, mapped, errors, pages, () -> { });
    }

    @Override
    public java.util.OptionalLong sharedInfoFrame(int domid) {
        return guest("xc_domain_getinfolist", domid).sharedInfoFrame();
    }

    @Override
    public void mapSharedInfo(int domid, long gfn) {
        String op = "xc_domain_add_to_physmap";
        guest(op, domid).mapSharedInfo(op, gfn);
    }

    @Override
    public int hvmContextSize(int domid) {
        return hvmContext(domid).size();
    }

    @Override
    public HvmContext hvmContext(int domid) {
        String op = "xc_domain_hvm_getcontext";
        return guest(op, domid).hvmContext(op);
    }

    @Override
    public void setHvmContext(int domid, HvmContext context) {
        String op = "xc_domain_hvm_setcontext";
        guest(op, domid).setHvmContext(op, context);
    }

    /** The simulator's devices are not emulated by a device model: no vcpu ever waits on one. */
    @Override
    public boolean ioreqPending(int domid, int server) {
        guest("xenforeignmemory_map_resource(ioreq server)", domid);
        return false;
    }

    @Override
    public VcpuContext vcpuContext(int domid, int vcpu) {
        String op = "xc_vcpu_getcontext";
        return guest(op, domid).vcpuContext(op, vcpu);
    }

    @Override
    public void setVcpuContext(int domid, VcpuContext context) {
        String op = "xc_vcpu_setcontext";
        guest(op, domid).setVcpuContext(op, context);
    }

    @Override
    public long hvmParam(int domid, int param) {
        String op = "xc_hvm_param_get";
        return guest(op, domid).hvmParam(op, param);
    }

    @Override
    public void setHvmParam(int domid, int param, long value) {
        String op = "xc_hvm_param_set";
        guest(op, domid).setHvmParam(op, param, value);
    }

    @Override
    public int allocUnboundPort(int domid, int remoteDomid) {
        String op = "xc_evtchn_alloc_unbound";
        open(op);
        // The port belongs to the guest: its events go to the guest kernel, as for a port it allocated itself.
        return host.guestDomain(op, domid).guest.allocUnboundPort(remoteDomid);
    }

    @Override
    public EventChannels openEventChannels() {
        open("xenevtchn_open");
        return new SimEventChannels(host.events);
    }

    @Override
    public GrantTables openGrantTables() {
        open("xengnttab_open");
        return new SimGrantTables(host);
    }

    @Override
    public XenStore openXenStore() {
        open("xs_open");
        return new SimXenStore(host.store, 0);
    }

    @Override
    public void close() {
        closed = true;
    }

    private SimDomain guest(String op, int domid) {
        open(op);
        return host.guestDomain(op, domid);
    }

    private void open(String op) {
        if (closed) {
            throw new XenException(op, XenException.NO_DOMAIN, Errno.EBADF, "hypervisor handle is closed");
        }
    }
}
