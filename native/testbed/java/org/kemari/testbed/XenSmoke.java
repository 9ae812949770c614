package org.kemari.testbed;

import java.util.List;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.HypervisorProvider;
import org.kemari.xen.Hypervisors;

/**
 * Runs in the testbed's dom0 (cases/jna-smoke.sh): the calls one Kemari epoch makes, through the
 * project's "xen" backend, against a real guest. Checked against what Xen must report: the guest
 * is listed, pause stops its vcpus, a paused guest dirties (almost) nothing, a running one dirties
 * at least half its workload's rate.
 *
 * <p>Exit 0 pass, 1 fail, 95 pending (no "xen" backend on the classpath yet).
 */
public final class XenSmoke {
    private static final int PENDING = 95;
    private static final long WINDOW_MS = 2000;
    /** Xen itself may touch a few pages of a paused guest (shared info); the guest touches none. */
    private static final long MAX_PAUSED_DIRTY = 16;

    private XenSmoke() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: XenSmoke GUEST_NAME PAGES_PER_SEC");
            System.exit(2);
        }
        List<String> names = Hypervisors.providers().stream().map(HypervisorProvider::name).toList();
        if (!names.contains("xen")) {
            System.out.println("PENDING: no 'xen' HypervisorProvider on the classpath (found " + names
                    + "): org.kemari.xen.jna is not built yet");
            System.exit(PENDING);
        }
        String why = Hypervisors.provider("xen").unavailableReason();
        if (why != null) {
            fail("the xen backend refuses to open in dom0: " + why);
        }
        long minRunning = Long.parseLong(args[1]) * WINDOW_MS / 1000 / 2;
        try (Hypervisor xen = Hypervisors.open("xen")) {
            List<DomainInfo> all = xen.domains();
            all.forEach(d -> System.out.println("domain " + d));
            check(all.stream().anyMatch(d -> d.domid() == 0), "dom0 missing from domains()");
            DomainInfo guest = xen.lookup(args[0]);
            check(all.stream().anyMatch(d -> d.domid() == guest.domid()), "lookup found a domain domains() did not list");
            int id = guest.domid();

            xen.pause(id);
            check(xen.domain(id).paused(), "pause returned but the domain is " + xen.domain(id).state());
            DirtyBitmap bitmap = new DirtyBitmap(guest.maxGpfn() + 1);
            xen.enableLogDirty(id);
            try {
                xen.cleanLogDirty(id, bitmap);
                long paused = window(xen, id, bitmap);
                System.out.println("paused: " + paused + " pages dirty in " + WINDOW_MS + " ms");
                check(paused <= MAX_PAUSED_DIRTY, "paused guest dirtied " + paused + " pages");

                xen.unpause(id);
                check(!xen.domain(id).paused(), "unpause returned but the domain is still paused");
                long running = window(xen, id, bitmap);
                System.out.println("running: " + running + " pages dirty in " + WINDOW_MS + " ms");
                check(running >= minRunning, "running guest dirtied " + running + " pages, expected >= " + minRunning);
            } finally {
                xen.disableLogDirty(id);
            }
        }
        System.out.println("PASS: domains, lookup, pause, unpause and log-dirty behave on the real Xen");
    }

    /** Pages dirtied over one window, counted from the bitmap itself (not the returned count). */
    private static long window(Hypervisor xen, int id, DirtyBitmap bitmap) throws InterruptedException {
        Thread.sleep(WINDOW_MS);
        bitmap.clear();
        long reported = xen.cleanLogDirty(id, bitmap);
        long counted = bitmap.cardinality();
        check(reported == counted, "cleanLogDirty returned " + reported + " but set " + counted + " bits");
        return counted;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            fail(what);
        }
    }

    private static void fail(String what) {
        System.out.println("FAIL: " + what);
        System.exit(1);
    }
}
