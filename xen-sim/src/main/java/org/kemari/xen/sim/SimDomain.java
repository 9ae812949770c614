package org.kemari.xen.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainState;
import org.kemari.xen.DomainType;
import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.HvmContext;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;

/**
 * One simulated guest domain: memory, dirty log, vcpus and their run control, grant table and
 * HVM parameters. Run control follows Xen: the controller's pauses nest ({@code
 * controller_pause_count}), and hypercalls that need a still domain take an internal pause
 * that never shows in the domain's state.
 */
final class SimDomain {
    /** HVM_NR_PARAMS in Xen 4.17's public/hvm/params.h. */
    static final int HVM_NR_PARAMS = 39;
    /** VMASST_TYPE_runstate_update_flag: the one assist an HVM or PVH domain may have (HVM_VM_ASSIST_MASK). */
    private static final long HVM_VM_ASSIST = 1L << 5;
    /** PV64_VM_ASSIST_MASK: VMASST types 0-5 and m2p_strict (32). */
    private static final long PV64_VM_ASSIST = 0x3fL | 1L << 32;
    /** Xen refuses a controller pause count above this (EOVERFLOW). */
    private static final int MAX_CONTROLLER_PAUSES = 255;
    /** What the simulated CPU reports as CPUID[1].eax and TSC rate in the context header. */
    private static final int SIM_CPUID = 0x000906ea;
    private static final int SIM_TSC_KHZ = 2_400_000;

    final int id;
    final String name;
    final DomainType type;
    final long pages;
    final DirtyLog dirty;
    final GuestMemory memory;
    final GrantTable grants = new GrantTable();
    /** Frames populated beyond the RAM the domain was built with (see Hypervisor#populate). */
    final java.util.Map<Long, ByteBuffer> populated = new java.util.concurrent.ConcurrentHashMap<>();
    /** Frames of the built RAM given up to a Xen page mapped over them: holes since. */
    private final java.util.Set<Long> freed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The gfn of the shared-info page in the physmap, -1 while unmapped (the simulated guests never map it). */
    private volatile long sharedInfo = -1;
    /** The domain's vm_assist bits: Xen keeps them per domain and takes them from vcpu 0's context. */
    private volatile long vmAssist;
    final SimGuest guest;
    /** Names this domain's vcpu threads: host tag and domid. */
    final String threadPrefix;
    private final GuestCpu[] cpus;
    private final long[] hvmParams = new long[HVM_NR_PARAMS];
    private final VcpuRunner[] runners;

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    private int controllerPauses;
    private int internalPauses;
    private int stepping;
    private boolean dying;
    private String crash;

    SimDomain(SimHost host, int id, String name, DomainType type, long pages, int vcpus) {
        this.id = id;
        this.name = name;
        this.type = type;
        this.pages = pages;
        this.dirty = new DirtyLog(pages);
        this.memory = new GuestMemory(pages, dirty);
        this.cpus = new GuestCpu[vcpus];
        this.runners = new VcpuRunner[vcpus];
        this.controllerPauses = 1; // created paused, as `xl create -p`
        this.guest = new SimGuest(host, this);
        this.threadPrefix = host.tag + "-d" + id;
        for (int v = 0; v < vcpus; v++) {
            cpus[v] = new GuestCpu();
            runners[v] = new VcpuRunner(this, v, guest);
        }
    }

    void start() {
        for (VcpuRunner r : runners) {
            r.start();
        }
    }

    int vcpus() {
        return cpus.length;
    }

    DomainInfo info() {
        lock.lock();
        try {
            DomainState state;
            if (dying) {
                state = DomainState.DYING;
            } else if (crash != null) {
                state = DomainState.CRASHED;
            } else if (controllerPauses > 0) {
                state = DomainState.PAUSED;
            } else {
                state = anyRunnable() ? DomainState.RUNNING : DomainState.BLOCKED;
            }
            long top = populated.keySet().stream().mapToLong(Long::longValue).max().orElse(pages - 1);
            return new DomainInfo(id, name, state, type, pages, pages - freed.size() + populated.size(),
                    Math.max(top, pages - 1), cpus.length);
        } finally {
            lock.unlock();
        }
    }

    // ---- physmap -----------------------------------------------------------------------

    /** RAM the domain has at {@code pfn}: what it was built with or populated since, less Xen's pages. */
    boolean isRam(long pfn) {
        boolean built = pfn >= 0 && pfn < pages && !freed.contains(pfn);
        return (built || populated.containsKey(pfn)) && pfn != sharedInfo;
    }

    /** Frames of the built RAM that a Xen page displaced, which populate may fill again. */
    boolean isFreed(long pfn) {
        return freed.contains(pfn);
    }

    void refill(long pfn) {
        memory.frame(pfn).put(new byte[ForeignMapping.PAGE_SIZE]);
        freed.remove(pfn);
    }

    java.util.OptionalLong sharedInfoFrame() {
        long gfn = sharedInfo;
        return gfn < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(gfn);
    }

    /** As xenmem_add_to_physmap_one: RAM at the new frame is freed, the old frame is left a hole. */
    void mapSharedInfo(String op, long gfn) {
        if (!type.hasHvmContext()) {
            throw new XenException(op, id, Errno.EACCES, "a PV domain has no physmap to map Xen's pages into");
        }
        if (gfn < 0) {
            throw new XenException(op, id, Errno.EINVAL, "pfn " + gfn + " is invalid");
        }
        lock.lock();
        try {
            requireAlive(op);
            if (gfn == sharedInfo) {
                return;
            }
            if (populated.remove(gfn) == null && gfn < pages) {
                freed.add(gfn);
            }
            sharedInfo = gfn;
        } finally {
            lock.unlock();
        }
    }

    // ---- run control -------------------------------------------------------------------

    void pause(String op) {
        lock.lock();
        try {
            requireAlive(op);
            if (controllerPauses >= MAX_CONTROLLER_PAUSES) {
                throw new XenException(op, id, Errno.EOVERFLOW, "controller pause count is already "
                        + MAX_CONTROLLER_PAUSES + "; unpause first");
            }
            controllerPauses++;
            awaitNoStep();
        } finally {
            lock.unlock();
        }
    }

    void unpause(String op) {
        lock.lock();
        try {
            requireAlive(op);
            if (controllerPauses == 0) {
                throw new XenException(op, id, Errno.EINVAL, "domain is not paused");
            }
            controllerPauses--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean pausedByController() {
        lock.lock();
        try {
            return controllerPauses > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code action} with every vcpu stopped, like Xen's domain_pause around a hypercall. */
    <T> T stopped(String op, Supplier<T> action) {
        lock.lock();
        try {
            requireAlive(op);
            internalPauses++;
            awaitNoStep();
        } finally {
            lock.unlock();
        }
        try {
            return action.get();
        } finally {
            lock.lock();
            try {
                internalPauses--;
                // as Xen's domain_unpause wakes vcpus only when the pause count drops to zero: a
                // call inside a controller pause (an epoch's harvest, context reads) must not
                // wake the vcpu threads just to have them contend the lock with the next call
                if (mayRun()) {
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Wakes halted vcpus, as an interrupt would: their context or memory may now hold a program. */
    void kick() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void destroy() {
        lock.lock();
        try {
            dying = true;
            changed.signalAll();
            awaitNoStep();
        } finally {
            lock.unlock();
        }
        for (VcpuRunner r : runners) {
            r.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    /** Executes {@code steps} steps on every runnable vcpu; the caller holds the domain paused. */
    void runSteps(String op, long steps) {
        if (!pausedByController()) {
            throw new XenException(op, id, Errno.EINVAL, "single-stepping needs the domain paused first");
        }
        stopped(op, () -> {
            for (int v = 0; v < cpus.length; v++) {
                for (long i = 0; i < steps && crash == null; i++) {
                    GuestProgram p = programOf(v);
                    if (p == null) {
                        break;
                    }
                    execute(v, p, guest);
                }
            }
            return null;
        });
    }

    // ---- used by VcpuRunner, under lock ------------------------------------------------

    boolean dying() {
        return dying;
    }

    boolean mayRun() {
        return !dying && crash == null && controllerPauses == 0 && internalPauses == 0;
    }

    /** The program vcpu {@code v} would execute next, or null if it is halted. */
    GuestProgram programOf(int v) {
        GuestCpu c = cpus[v];
        if (!c.online || !GuestInfoPage.present(memory)) {
            return null;
        }
        return GuestProgram.forEntry(c.rip);
    }

    void enterStep() {
        stepping++;
    }

    void leaveStep() {
        stepping--;
        if (stepping == 0) {
            changed.signalAll();
        }
    }

    /**
     * One step, outside the lock. A fault crashes the domain as Xen's domain_crash would; so
     * does any other exception a program throws, since it is the guest's code that failed.
     */
    boolean execute(int v, GuestProgram program, SimGuest guest) {
        try {
            program.step(v, cpus[v], memory, guest);
            return true;
        } catch (RuntimeException e) {
            lock.lock();
            try {
                crash = "vcpu" + v + ": " + (e instanceof GuestFault ? e.getMessage() : e.toString());
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            return false;
        }
    }

    String crashReason() {
        lock.lock();
        try {
            return crash;
        } finally {
            lock.unlock();
        }
    }

    private boolean anyRunnable() {
        for (int v = 0; v < cpus.length; v++) {
            if (programOf(v) != null) {
                return true;
            }
        }
        return false;
    }

    private void awaitNoStep() {
        while (stepping > 0) {
            changed.awaitUninterruptibly();
        }
    }

    private void requireAlive(String op) {
        if (dying) {
            throw new XenException(op, id, Errno.ESRCH, "domain is being destroyed");
        }
    }

    // ---- contexts ----------------------------------------------------------------------

    VcpuContext vcpuContext(String op, int vcpu) {
        checkVcpu(op, vcpu);
        return stopped(op, () -> {
            byte[] raw = cpus[vcpu].toVcpuContext();
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putLong(VcpuContext.VM_ASSIST_OFFSET, vmAssist);
            return new VcpuContext(vcpu, raw);
        });
    }

    void setVcpuContext(String op, VcpuContext context) {
        checkVcpu(op, context.vcpu());
        byte[] raw = context.bytes();
        if (raw.length != GuestCpu.VCPU_CONTEXT_SIZE) {
            throw new XenException(op, id, Errno.EINVAL, "vcpu context is " + raw.length
                    + " bytes, vcpu_guest_context is " + GuestCpu.VCPU_CONTEXT_SIZE);
        }
        long assist = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(VcpuContext.VM_ASSIST_OFFSET);
        // Xen checks vcpu 0's bits against the type's mask only after it has loaded the
        // registers, so a refused context still leaves them changed
        stopped(op, () -> {
            cpus[context.vcpu()].loadVcpuContext(raw);
            return null;
        });
        if (context.vcpu() == 0) {
            long valid = type.hasHvmContext() ? HVM_VM_ASSIST : PV64_VM_ASSIST;
            if ((assist & ~valid) != 0) {
                throw new XenException(op, id, Errno.EINVAL, "vm_assist 0x" + Long.toHexString(assist)
                        + " has bits outside 0x" + Long.toHexString(valid) + " for a " + type + " domain");
            }
            vmAssist = assist;
        }
        kick();
    }

    HvmContext hvmContext(String op) {
        requireHvm(op);
        return stopped(op, () -> {
            int size = HvmContext.DESCRIPTOR_SIZE * (2 + cpus.length) + HEADER_SIZE
                    + cpus.length * GuestCpu.HVM_CPU_SIZE;
            ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            descriptor(b, HvmContext.TYPE_HEADER, 0, HEADER_SIZE);
            b.putInt(HvmContext.FILE_MAGIC).putInt(HvmContext.FILE_VERSION).putLong(0)
                    .putInt(SIM_CPUID).putInt(SIM_TSC_KHZ);
            for (int v = 0; v < cpus.length; v++) {
                descriptor(b, HvmContext.TYPE_CPU, v, GuestCpu.HVM_CPU_SIZE);
                cpus[v].writeHvmCpu(b);
            }
            descriptor(b, HvmContext.TYPE_END, 0, 0);
            return new HvmContext(b.array());
        });
    }

    /** sizeof(struct hvm_save_header). */
    private static final int HEADER_SIZE = 24;

    private static void descriptor(ByteBuffer b, int type, int instance, int length) {
        b.putShort((short) type).putShort((short) instance).putInt(length);
    }

    /** Validates the whole blob before touching any vcpu, as a failed hvm_load must not half-apply. */
    void setHvmContext(String op, HvmContext context) {
        requireHvm(op);
        List<HvmContext.Record> records;
        try {
            records = context.records();
        } catch (IllegalArgumentException e) {
            throw new XenException(op, id, Errno.EINVAL, "malformed HVM context: " + e.getMessage());
        }
        HvmContext.Record header = records.get(0);
        if (header.type() != HvmContext.TYPE_HEADER || header.data().length != HEADER_SIZE) {
            throw new XenException(op, id, Errno.EINVAL, "HVM context does not start with a "
                    + HEADER_SIZE + "-byte HEADER record (found type " + header.type() + ")");
        }
        ByteBuffer h = ByteBuffer.wrap(header.data()).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt();
        int version = h.getInt();
        if (magic != HvmContext.FILE_MAGIC) {
            throw new XenException(op, id, Errno.EINVAL, String.format(
                    "HVM context has bad magic 0x%08x (expected 0x%08x)", magic, HvmContext.FILE_MAGIC));
        }
        if (version != HvmContext.FILE_VERSION) {
            throw new XenException(op, id, Errno.EINVAL, "HVM context has version " + version
                    + ", this hypervisor loads version " + HvmContext.FILE_VERSION);
        }
        byte[][] loaded = new byte[cpus.length][];
        for (HvmContext.Record r : records.subList(1, records.size())) {
            if (r.type() == HvmContext.TYPE_END) {
                break;
            }
            if (r.type() != HvmContext.TYPE_CPU) {
                throw new XenException(op, id, Errno.EINVAL, "HVM context record type " + r.type()
                        + " is not one the simulator models (HEADER, CPU, END)");
            }
            if (r.instance() >= cpus.length) {
                throw new XenException(op, id, Errno.EINVAL, "HVM context has a CPU record for vcpu "
                        + r.instance() + " but the domain has " + cpus.length);
            }
            if (r.data().length != GuestCpu.HVM_CPU_SIZE) {
                throw new XenException(op, id, Errno.EINVAL, "HVM CPU record for vcpu " + r.instance()
                        + " is " + r.data().length + " bytes, expected " + GuestCpu.HVM_CPU_SIZE);
            }
            loaded[r.instance()] = r.data();
        }
        stopped(op, () -> {
            for (int v = 0; v < loaded.length; v++) {
                if (loaded[v] != null) {
                    cpus[v].loadHvmCpu(loaded[v]);
                }
            }
            return null;
        });
        kick();
    }

    long hvmParam(String op, int param) {
        checkParam(op, param);
        synchronized (hvmParams) {
            return hvmParams[param];
        }
    }

    void setHvmParam(String op, int param, long value) {
        checkParam(op, param);
        synchronized (hvmParams) {
            hvmParams[param] = value;
        }
    }

    /** Lets {@code boot} set up memory and registers of a domain nobody has run yet. */
    void boot(String op, java.util.function.Consumer<GuestCpu[]> boot) {
        stopped(op, () -> {
            boot.accept(cpus);
            return null;
        });
    }

    private void checkParam(String op, int param) {
        if (!type.hasHvmContext()) {
            throw new XenException(op, id, Errno.EINVAL, "a PV domain has no HVM parameters");
        }
        if (param < 0 || param >= HVM_NR_PARAMS) {
            throw new XenException(op, id, Errno.EINVAL, "HVM parameter " + param + " is outside 0.."
                    + (HVM_NR_PARAMS - 1));
        }
    }

    private void checkVcpu(String op, int vcpu) {
        if (vcpu < 0 || vcpu >= cpus.length) {
            throw new XenException(op, id, Errno.EINVAL, "vcpu " + vcpu + " does not exist (domain has "
                    + cpus.length + ")");
        }
    }

    private void requireHvm(String op) {
        if (!type.hasHvmContext()) {
            throw new XenException(op, id, Errno.EINVAL, "a PV domain has no HVM context");
        }
    }
}
