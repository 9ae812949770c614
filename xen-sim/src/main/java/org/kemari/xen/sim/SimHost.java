package org.kemari.xen.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.DomainState;
import org.kemari.xen.DomainType;
import org.kemari.xen.Errno;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenException;

/**
 * One simulated physical host running a Xen 4.17-like hypervisor: dom0 (domain 0, the caller
 * of every {@link Hypervisor} operation) plus guest domains, a host-wide event-channel model
 * and xenstore. Several hosts can live in one JVM (a primary and a secondary, say); they share
 * nothing.
 *
 * <p>Beyond the {@link Hypervisor} surface, which is all the replication code sees, a host
 * offers what a test bench needs: starting a workload guest, the guest kernel's side of a
 * domain, exact single-stepping, and reading a guest's progress counter.
 */
public final class SimHost implements AutoCloseable {
    /** What dom0 reports: 1 GiB, 2 vcpus. The simulator does not model dom0's own memory. */
    static final long DOM0_PAGES = 262_144;
    static final int DOM0_VCPUS = 2;
    /** DOMID_FIRST_RESERVED: domain ids above are special in Xen. */
    private static final int DOMID_FIRST_RESERVED = 0x7ff0;

    private static final AtomicInteger HOSTS = new AtomicInteger();

    /** Prefix of this host's vcpu thread names, so thread dumps tell hosts apart. */
    final String tag = "sim" + HOSTS.incrementAndGet();
    final EventChannelModel events = new EventChannelModel();
    final XenStoreTree store = new XenStoreTree();
    private final Map<Integer, SimDomain> domains = new TreeMap<>();
    private int nextDomid = 1;

    public SimHost() {
        events.addDomain(0);
        store.write("/local/domain/0/name", "Domain-0");
        store.write("/local/domain/0/domid", "0");
    }

    /** The host that {@link SimProvider} ("--backend sim") opens; lives as long as the process. */
    public static SimHost defaultHost() {
        return Default.HOST;
    }

    /** A dom0 handle on this host. Closing it leaves the host and its domains running. */
    public Hypervisor open() {
        return new SimHypervisor(this);
    }

    /** Creates a memtouch guest per {@code spec} and starts it running; returns its domid. */
    public int createGuest(GuestSpec spec) {
        String op = "xc_domain_create";
        int domid = create(op, new DomainConfig(spec.name(), spec.type(), spec.memoryPages(), spec.vcpus()));
        SimDomain d = guestDomain(op, domid);
        d.boot(op, cpus -> MemTouch.boot(d.memory, cpus, spec));
        d.unpause("xc_domain_unpause");
        return domid;
    }

    /** The guest kernel's side of domain {@code domid}: its event channels, grants and memory. */
    public SimGuest guest(int domid) {
        return guestDomain("guest", domid).guest;
    }

    /**
     * Executes exactly {@code steps} guest steps on every vcpu of a paused domain, in the
     * caller's thread, and leaves it paused: the deterministic clock the TCK compares replicas by.
     */
    public void runSteps(int domid, long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        guestDomain("runSteps", domid).runSteps("runSteps", steps);
    }

    /** Guest {@code vcpu}'s progress counter, read from its info page. */
    public long progress(int domid, int vcpu) {
        SimDomain d = guestDomain("progress", domid);
        if (vcpu < 0 || vcpu >= d.vcpus()) {
            throw new IllegalArgumentException("dom" + domid + " has no vcpu " + vcpu);
        }
        return d.memory.getLong(GuestInfoPage.PFN, GuestInfoPage.progressOffset(vcpu));
    }

    /** Why the domain crashed (a guest program fault), or null if it has not. */
    public String crashReason(int domid) {
        return guestDomain("crashReason", domid).crashReason();
    }

    /** Destroys every guest domain and stops their vcpu threads. */
    @Override
    public void close() {
        List<Integer> ids;
        synchronized (this) {
            ids = new ArrayList<>(domains.keySet());
        }
        for (int id : ids) {
            try {
                destroy("xc_domain_destroy", id);
            } catch (XenException alreadyGone) {
                // destroyed concurrently: nothing left to stop
            }
        }
    }

    // ---- dom0's view, used by SimHypervisor --------------------------------------------

    int create(String op, DomainConfig config) {
        if (config.vcpus() > GuestInfoPage.MAX_VCPUS) {
            throw new XenException(op, XenException.NO_DOMAIN, Errno.EINVAL, "domain " + config.name()
                    + ": " + config.vcpus() + " vcpus, the simulator supports up to " + GuestInfoPage.MAX_VCPUS);
        }
        SimDomain d;
        synchronized (this) {
            if (nameTaken(config.name())) {
                throw new XenException(op, XenException.NO_DOMAIN, Errno.EEXIST, "a domain named '"
                        + config.name() + "' already exists");
            }
            int id = freeDomid(op);
            d = new SimDomain(this, id, config.name(), config.type(), config.memoryPages(), config.vcpus());
            domains.put(id, d);
            events.addDomain(id);
        }
        store.write("/local/domain/" + d.id + "/name", config.name());
        store.write("/local/domain/" + d.id + "/domid", Integer.toString(d.id));
        store.fireSpecial(XenStoreTree.INTRODUCE_DOMAIN);
        d.start();
        return d.id;
    }

    void destroy(String op, int domid) {
        SimDomain d = guestDomain(op, domid);
        synchronized (this) {
            domains.remove(domid);
        }
        d.destroy();
        events.removeDomain(domid);
        store.remove(op, "/local/domain/" + domid);
        store.fireSpecial(XenStoreTree.RELEASE_DOMAIN);
    }

    DomainInfo info(String op, int domid) {
        if (domid == 0) {
            return new DomainInfo(0, "Domain-0", DomainState.RUNNING, DomainType.PV, DOM0_PAGES,
                    DOM0_PAGES, DOM0_PAGES - 1, DOM0_VCPUS);
        }
        return guestDomain(op, domid).info();
    }

    List<DomainInfo> infos() {
        List<SimDomain> all;
        synchronized (this) {
            all = new ArrayList<>(domains.values());
        }
        List<DomainInfo> out = new ArrayList<>();
        out.add(info("xc_domain_getinfolist", 0));
        for (SimDomain d : all) {
            out.add(d.info());
        }
        return out;
    }

    /**
     * A guest domain, or the error Xen gives: ESRCH if it does not exist, EINVAL for dom0,
     * on which Xen refuses domain control by dom0 itself.
     */
    SimDomain guestDomain(String op, int domid) {
        if (domid == 0) {
            throw new XenException(op, 0, Errno.EINVAL, "dom0 is the calling domain; this operation "
                    + "applies to guest domains only");
        }
        SimDomain d;
        synchronized (this) {
            d = domains.get(domid);
        }
        if (d == null) {
            throw new XenException(op, domid, Errno.ESRCH, "no such domain");
        }
        return d;
    }

    private boolean nameTaken(String name) {
        if (name.equals("Domain-0")) {
            return true;
        }
        for (SimDomain d : domains.values()) {
            if (d.name.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Xen hands out increasing ids and wraps below the reserved range, skipping live ones. */
    private int freeDomid(String op) {
        for (int tries = 0; tries < DOMID_FIRST_RESERVED; tries++) {
            int id = nextDomid;
            nextDomid = nextDomid + 1 >= DOMID_FIRST_RESERVED ? 1 : nextDomid + 1;
            if (!domains.containsKey(id)) {
                return id;
            }
        }
        throw new XenException(op, XenException.NO_DOMAIN, Errno.ENOSPC, "no free domain id");
    }

    private static final class Default {
        static final SimHost HOST = new SimHost();
    }
}
