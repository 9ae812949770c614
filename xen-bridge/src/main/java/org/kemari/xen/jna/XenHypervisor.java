package org.kemari.xen.jna;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Errno;
import org.kemari.xen.EventChannels;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.HvmContext;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;
import org.kemari.xen.XenStore;
import org.kemari.xen.jna.bind.LibC;
import org.kemari.xen.jna.bind.XcDomainInfo;
import org.kemari.xen.jna.bind.XcInterfaceHandle;
import org.kemari.xen.jna.bind.XenCtrl;
import org.kemari.xen.jna.bind.XenForeignMemory;
import org.kemari.xen.jna.bind.XenforeignmemoryResourceHandle;
import org.kemari.xen.jna.bind.XenforeignmemoryHandle;

/** The Hypervisor API on libxenctrl, libxenforeignmemory and libxenstore of Xen 4.17. */
final class XenHypervisor implements Hypervisor {
    /** Domains fetched per xc_domain_getinfolist call. */
    private static final int INFO_BATCH = 64;
    /** XEN_DOMCTL_getpageframeinfo3 refuses more frames per call (E2BIG). */
    private static final int PFN_TYPE_BATCH = 1024;

    private final XenLibraries libs;
    private final XenCtrl ctrl;
    private final LastError errors;
    private final QuietLogger logger;
    private final XcInterfaceHandle xchHandle;
    private final XenforeignmemoryHandle fmemHandle;
    private final DirtyLogBuffer dirtyLog;
    private volatile boolean closed;
    private XenStoreConnection names;

    XenHypervisor(XenLibraries libs) {
        this.libs = libs;
        this.ctrl = libs.ctrl();
        this.errors = new LastError(libs.libc());
        this.logger = new QuietLogger(libs);
        this.xchHandle = ctrl.xc_interface_open(logger.get(), logger.get(), 0);
        if (xchHandle == null) {
            XenException e = errors.of("xc_interface_open", XenException.NO_DOMAIN,
                    " (is this dom0, and are you root?)");
            logger.close();
            throw e;
        }
        this.fmemHandle = libs.fmem().xenforeignmemory_open(logger.get(), 0);
        if (fmemHandle == null) {
            XenException e = errors.of("xenforeignmemory_open", XenException.NO_DOMAIN);
            ctrl.xc_interface_close(xchHandle);
            logger.close();
            throw e;
        }
        this.dirtyLog = new DirtyLogBuffer(ctrl, xchHandle, errors);
    }

    @Override
    public String backend() {
        return "xen";
    }

    @Override
    public List<DomainInfo> domains() {
        List<DomainInfo> out = new ArrayList<>();
        XcDomainInfo first = new XcDomainInfo();
        XcDomainInfo[] batch = (XcDomainInfo[]) first.toArray(INFO_BATCH);
        int next = 0;
        while (true) {
            int n = ctrl.xc_domain_getinfolist(xch(), next, INFO_BATCH, first);
            if (n < 0) {
                throw errors.of("xc_domain_getinfolist", XenException.NO_DOMAIN);
            }
            for (int i = 0; i < n; i++) {
                batch[i].read();
                describeIfAlive(batch[i], out);
            }
            if (n < INFO_BATCH) {
                return out;
            }
            next = DomainFlags.domid(batch[n - 1]) + 1;
        }
    }

    @Override
    public DomainInfo domain(int domid) {
        return describe(rawInfo(domid));
    }

    @Override
    public DomainInfo lookup(String nameOrId) {
        if (nameOrId == null || nameOrId.isBlank()) {
            throw new XenException("lookup", XenException.NO_DOMAIN, Errno.EINVAL, "domain name is empty");
        }
        if (nameOrId.chars().allMatch(Character::isDigit) && nameOrId.length() < 6) {
            return domain(Integer.parseInt(nameOrId));
        }
        for (DomainInfo d : domains()) {
            if (d.name().equals(nameOrId)) {
                return d;
            }
        }
        throw new XenException("lookup", XenException.NO_DOMAIN, Errno.ESRCH, "no domain named '" + nameOrId + "'");
    }

    /**
     * Building a domain that can run (vcpus, memory map, HVM params, xenstore entries, devices,
     * device model) is libxl's job, and redoing it here would give a replica that differs from
     * what `xl create` makes of the same config file.
     */
    @Override
    public int createDomain(DomainConfig config) {
        throw new XenException("createDomain", XenException.NO_DOMAIN, Errno.EOPNOTSUPP,
                "not supported by kemari's xen backend: create the replica '" + config.name()
                        + "' with `xl create -p <its config>` (paused, same shape as the primary) and pass it by name");
    }

    @Override
    public void pause(int domid) {
        check(ctrl.xc_domain_pause(xch(), domid), "xc_domain_pause", domid);
    }

    @Override
    public void unpause(int domid) {
        check(ctrl.xc_domain_unpause(xch(), domid), "xc_domain_unpause", domid);
    }

    @Override
    public void destroy(int domid) {
        check(ctrl.xc_domain_destroy(xch(), domid), "xc_domain_destroy", domid);
    }

    @Override
    public void enableLogDirty(int domid) {
        if (ctrl.xc_logdirty_control(xch(), domid, XenCtrl.XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY,
                null, 0, 0, null) < 0) {
            int errno = Native.getLastError();
            String hint = errno == Errno.EOPNOTSUPP
                    ? "; a PV guest cannot log dirty pages on a Xen built without shadow paging (Debian's): use PVH or HVM"
                    : "";
            throw errors.of("xc_logdirty_control(ENABLE_LOGDIRTY)", domid, errno, hint);
        }
    }

    @Override
    public void disableLogDirty(int domid) {
        if (ctrl.xc_logdirty_control(xch(), domid, XenCtrl.XEN_DOMCTL_SHADOW_OP_OFF, null, 0, 0, null) < 0) {
            throw errors.of("xc_logdirty_control(OFF)", domid);
        }
    }

    @Override
    public long cleanLogDirty(int domid, DirtyBitmap into) {
        requireOpen();
        return dirtyLog.harvest(domid, XenCtrl.XEN_DOMCTL_SHADOW_OP_CLEAN, into);
    }

    @Override
    public long peekLogDirty(int domid, DirtyBitmap into) {
        requireOpen();
        return dirtyLog.harvest(domid, XenCtrl.XEN_DOMCTL_SHADOW_OP_PEEK, into);
    }

    @Override
    public ForeignMapping map(int domid, long[] pfns, int count, boolean writable) {
        if (count <= 0 || count > pfns.length) {
            throw new XenException("xenforeignmemory_map", domid, Errno.EINVAL,
                    "frame count " + count + " outside 1.." + pfns.length);
        }
        long[] frames = Arrays.copyOf(pfns, count);
        int[] err = new int[count];
        int prot = LibC.PROT_READ | (writable ? LibC.PROT_WRITE : 0);
        Pointer base = libs.fmem().xenforeignmemory_map(fmem(), domid, prot, count, frames, err);
        if (base == null) {
            throw errors.of("xenforeignmemory_map", domid);
        }
        for (int i = 0; i < count; i++) {
            // The header documents errno values; Linux's privcmd driver stores them negated.
            err[i] = Math.abs(err[i]);
        }
        return new MappedPages("xenforeignmemory_map", "xenforeignmemory_unmap",
                (b, n) -> libs.fmem().xenforeignmemory_unmap(fmem(), b, n), errors, domid, frames, err, base, writable);
    }

    @Override
    public java.util.BitSet ramFrames(int domid, long firstPfn, int count) {
        java.util.BitSet ram = new java.util.BitSet(count);
        long[] arr = new long[PFN_TYPE_BATCH];
        for (int done = 0; done < count; done += arr.length) {
            int n = Math.min(arr.length, count - done);
            for (int i = 0; i < n; i++) {
                arr[i] = firstPfn + done + i;
            }
            check(ctrl.xc_get_pfn_type_batch(xch(), domid, n, arr), "xc_get_pfn_type_batch", domid);
            for (int i = 0; i < n; i++) {
                long type = arr[i] & XenCtrl.XEN_DOMCTL_PFINFO_LTAB_MASK;
                if (type != XenCtrl.XEN_DOMCTL_PFINFO_XTAB && type != XenCtrl.XEN_DOMCTL_PFINFO_BROKEN) {
                    ram.set(done + i);
                }
            }
        }
        return ram;
    }

    @Override
    public void populate(int domid, long[] pfns, int count) {
        if (count <= 0 || count > pfns.length) {
            throw new XenException("xc_domain_populate_physmap_exact", domid, Errno.EINVAL,
                    "frame count " + count + " outside 1.." + pfns.length);
        }
        check(ctrl.xc_domain_populate_physmap_exact(xch(), domid, count, 0, 0, Arrays.copyOf(pfns, count)),
                "xc_domain_populate_physmap_exact(" + count + " frames from pfn " + Long.toHexString(pfns[0]) + ")", domid);
    }

    /** Xen reports the page's m2p entry: INVALID_M2P_ENTRY (~0) until the guest maps it. */
    @Override
    public java.util.OptionalLong sharedInfoFrame(int domid) {
        XcDomainInfo raw = rawInfo(domid);
        boolean translated = DomainFlags.type(raw.flags, raw.arch_config.emulation_flags).hasHvmContext();
        return translated && raw.shared_info_frame != -1L
                ? java.util.OptionalLong.of(raw.shared_info_frame) : java.util.OptionalLong.empty();
    }

    @Override
    public void mapSharedInfo(int domid, long gfn) {
        check(ctrl.xc_domain_add_to_physmap(xch(), domid, XenCtrl.XENMAPSPACE_shared_info, 0, gfn),
                "xc_domain_add_to_physmap(shared_info at pfn " + Long.toHexString(gfn) + ")", domid);
    }

    @Override
    public int hvmContextSize(int domid) {
        int size = ctrl.xc_domain_hvm_getcontext(xch(), domid, null, 0);
        if (size < 0) {
            throw errors.of("xc_domain_hvm_getcontext(size)", domid);
        }
        return size;
    }

    @Override
    public HvmContext hvmContext(int domid) {
        int size = hvmContextSize(domid);
        try (Memory buf = new Memory(Math.max(1, size))) {
            int got = ctrl.xc_domain_hvm_getcontext(xch(), domid, buf, size);
            if (got < 0) {
                throw errors.of("xc_domain_hvm_getcontext", domid);
            }
            return new HvmContext(buf.getByteArray(0, got));
        }
    }

    @Override
    public void setHvmContext(int domid, HvmContext context) {
        byte[] blob = context.bytes();
        try (Memory buf = new Memory(Math.max(1, blob.length))) {
            buf.write(0, blob, 0, blob.length);
            check(ctrl.xc_domain_hvm_setcontext(xch(), domid, buf, blob.length), "xc_domain_hvm_setcontext", domid);
        }
    }

    @Override
    public boolean ioreqPending(int domid, int server) {
        int vcpus = domain(domid).vcpus();
        String op = "xenforeignmemory_map_resource(ioreq server " + server + ")";
        PointerByReference addr = new PointerByReference();
        XenforeignmemoryResourceHandle res = libs.fmem().xenforeignmemory_map_resource(fmem(), (short) domid,
                XenForeignMemory.XENMEM_resource_ioreq_server, server,
                XenForeignMemory.XENMEM_resource_ioreq_server_frame_ioreq_0, 1, addr, LibC.PROT_READ, 0);
        if (res == null) {
            throw errors.of(op, domid);
        }
        try {
            Pointer page = addr.getValue();
            for (int v = 0; v < Math.min(vcpus, ForeignMapping.PAGE_SIZE / XenForeignMemory.IOREQ_SIZE); v++) {
                int state = page.getByte((long) v * XenForeignMemory.IOREQ_SIZE + XenForeignMemory.IOREQ_STATE_BYTE)
                        & XenForeignMemory.IOREQ_STATE_MASK;
                if (state != XenForeignMemory.STATE_IOREQ_NONE) {
                    return true;
                }
            }
            return false;
        } finally {
            if (libs.fmem().xenforeignmemory_unmap_resource(fmem(), res) < 0) {
                throw errors.of("xenforeignmemory_unmap_resource(ioreq server " + server + ")", domid);
            }
        }
    }

    @Override
    public VcpuContext vcpuContext(int domid, int vcpu) {
        try (Memory buf = new Memory(XenCtrl.SIZEOF_VCPU_GUEST_CONTEXT_ANY)) {
            buf.clear();
            check(ctrl.xc_vcpu_getcontext(xch(), domid, vcpu, buf), "xc_vcpu_getcontext(vcpu " + vcpu + ")", domid);
            return new VcpuContext(vcpu, buf.getByteArray(0, XenCtrl.SIZEOF_VCPU_GUEST_CONTEXT_ANY));
        }
    }

    @Override
    public void setVcpuContext(int domid, VcpuContext context) {
        byte[] raw = context.bytes();
        String op = "xc_vcpu_setcontext(vcpu " + context.vcpu() + ")";
        if (raw.length != XenCtrl.SIZEOF_VCPU_GUEST_CONTEXT_ANY) {
            throw new XenException(op, domid, Errno.EINVAL, "vcpu context is " + raw.length
                    + " bytes, Xen 4.17's vcpu_guest_context_any_t is " + XenCtrl.SIZEOF_VCPU_GUEST_CONTEXT_ANY);
        }
        try (Memory buf = new Memory(raw.length)) {
            buf.write(0, raw, 0, raw.length);
            check(ctrl.xc_vcpu_setcontext(xch(), domid, context.vcpu(), buf), op, domid);
        }
    }

    @Override
    public long hvmParam(int domid, int param) {
        LongByReference value = new LongByReference();
        check(ctrl.xc_hvm_param_get(xch(), domid, param, value), "xc_hvm_param_get(" + param + ")", domid);
        return value.getValue();
    }

    @Override
    public void setHvmParam(int domid, int param, long value) {
        check(ctrl.xc_hvm_param_set(xch(), domid, param, value), "xc_hvm_param_set(" + param + ")", domid);
    }

    @Override
    public int allocUnboundPort(int domid, int remoteDomid) {
        int port = ctrl.xc_evtchn_alloc_unbound(xch(), domid, remoteDomid);
        check(port, "xc_evtchn_alloc_unbound(remote dom" + remoteDomid + ")", domid);
        return port;
    }

    @Override
    public EventChannels openEventChannels() {
        return new XenEventChannels(libs);
    }

    @Override
    public GrantTables openGrantTables() {
        return new XenGrantTables(libs);
    }

    @Override
    public XenStore openXenStore() {
        return new XenStoreConnection(libs);
    }

    /** Call once no other call is running: the handles are freed C memory afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        dirtyLog.close();
        if (names != null) {
            names.close();
            names = null;
        }
        libs.fmem().xenforeignmemory_close(fmemHandle);
        ctrl.xc_interface_close(xchHandle);
        logger.close();
    }

    /** Refuses calls after close, which would otherwise pass freed handles to C. */
    private void requireOpen() {
        if (closed) {
            throw new XenException("xen backend", XenException.NO_DOMAIN, Errno.EBADF, "hypervisor handle is closed");
        }
    }

    private XcInterfaceHandle xch() {
        requireOpen();
        return xchHandle;
    }

    private XenforeignmemoryHandle fmem() {
        requireOpen();
        return fmemHandle;
    }

    private XcDomainInfo rawInfo(int domid) {
        XcDomainInfo info = new XcDomainInfo();
        int n = ctrl.xc_domain_getinfolist(xch(), domid, 1, info);
        if (n < 0) {
            throw errors.of("xc_domain_getinfolist", domid);
        }
        // getinfolist returns the first domain at or after domid, so a gap yields another one.
        if (n == 0 || DomainFlags.domid(info) != domid) {
            throw new XenException("xc_domain_getinfolist", domid, Errno.ESRCH, "no such domain");
        }
        return info;
    }

    /** A domain destroyed between the list and the per-domain calls is simply no longer listed. */
    private void describeIfAlive(XcDomainInfo raw, List<DomainInfo> out) {
        try {
            out.add(describe(raw));
        } catch (XenException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        }
    }

    private DomainInfo describe(XcDomainInfo raw) {
        int domid = DomainFlags.domid(raw);
        return DomainFlags.toInfo(raw, name(domid), maxGpfn(domid));
    }

    private long maxGpfn(int domid) {
        LongByReference gpfn = new LongByReference();
        check(ctrl.xc_domain_maximum_gpfn(xch(), domid, gpfn), "xc_domain_maximum_gpfn", domid);
        return gpfn.getValue();
    }

    /** The name lives in xenstore, not in the hypervisor; dom0's is not always written there. */
    private synchronized String name(int domid) {
        if (names == null) {
            names = new XenStoreConnection(libs);
        }
        return names.read("/local/domain/" + domid + "/name")
                .orElse(domid == 0 ? "Domain-0" : "(null)");
    }

    private void check(int rc, String function, int domid) {
        if (rc < 0) {
            throw errors.of(function, domid);
        }
    }
}
