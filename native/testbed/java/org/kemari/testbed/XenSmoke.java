package org.kemari.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.HypervisorProvider;
import org.kemari.xen.Hypervisors;
import org.kemari.xen.XenException;

/**
 * Runs in the testbed's dom0 (cases/jna-smoke.sh): the calls a Kemari epoch makes, through the
 * project's "xen" backend, against the live test guest, checked against what must be true: the
 * guest is listed, pause stops its vcpus, a paused guest dirties (almost) nothing, and over a
 * window bounded by two pauses log-dirty reports at least every page the guest workload says on
 * its console that it wrote (the same exact bound as cases/smoke.sh, so it holds under any load).
 *
 * <p>Exit 0 pass, 1 fail, 95 pending (no "xen" backend on the classpath yet).
 */
public final class XenSmoke {
    private static final int PENDING = 95;
    /** Xen itself may touch a few pages of a paused guest (shared info); the guest touches none. */
    private static final long MAX_PAUSED_DIRTY = 16;
    private static final Pattern TICK = Pattern.compile("^GUEST tick \\d+ dirtied=(\\d+)\r?$");
    private static final long WAIT_LIMIT_MS = 60_000;

    private final Hypervisor xen;
    private final int domid;
    private final Path console;

    private XenSmoke(Hypervisor xen, int domid, Path console) {
        this.xen = xen;
        this.domid = domid;
        this.console = console;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: XenSmoke GUEST_NAME GUEST_CONSOLE_LOG WORKING_SET_PAGES");
            System.exit(2);
        }
        List<String> names = Hypervisors.providers().stream().map(HypervisorProvider::name).toList();
        if (!names.contains("xen")) {
            System.out.println("PENDING: no 'xen' HypervisorProvider on the classpath (found " + names
                    + "): org.kemari.xen.jna is not built yet");
            System.exit(PENDING);
        }
        try {
            smoke(args);
        } catch (CheckFailed | XenException e) {
            // a failed check is an exception, not System.exit, so the finally blocks that turn
            // log-dirty off and unpause the guest run first
            System.out.println("FAIL: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("PASS: domains, lookup, pause, unpause and log-dirty behave on the real Xen");
    }

    private static void smoke(String[] args) throws Exception {
        String why = Hypervisors.provider("xen").unavailableReason();
        check(why == null, "the xen backend refuses to open in dom0: " + why);
        try (Hypervisor xen = Hypervisors.open("xen")) {
            List<DomainInfo> all = xen.domains();
            all.forEach(d -> System.out.println("domain " + d));
            check(all.stream().anyMatch(d -> d.domid() == 0), "dom0 missing from domains()");
            DomainInfo guest = xen.lookup(args[0]);
            check(all.stream().anyMatch(d -> d.domid() == guest.domid()), "lookup found a domain domains() did not list");
            new XenSmoke(xen, guest.domid(), Path.of(args[1])).run(new DirtyBitmap(guest.maxGpfn() + 1),
                    Long.parseLong(args[2]));
        }
    }

    private void run(DirtyBitmap bitmap, long workingSetPages) throws Exception {
        try {
            pause();
            long opened = lastDirtied();
            xen.enableLogDirty(domid);
            try {
                xen.cleanLogDirty(domid, bitmap);
                Thread.sleep(2000);
                long paused = clean(bitmap);
                System.out.println("paused 2 s: " + paused + " pages dirty");
                check(paused <= MAX_PAUSED_DIRTY, "paused guest dirtied " + paused + " pages");

                xen.unpause(domid);
                check(!xen.domain(domid).paused(), "unpause returned but the domain is still paused");
                awaitTicks(opened, 5);
                pause();
                long seen = clean(bitmap);
                long first = firstDirtiedAfter(opened);
                long writes = lastDirtied() - first;
                long want = Math.min(writes, workingSetPages - 1);
                System.out.println("running window: workload wrote >= " + writes + " pages, log-dirty saw " + seen);
                check(writes > 0, "the workload wrote no page between the pauses");
                check(seen >= want, "log-dirty saw " + seen + " dirty pages, the workload wrote at least " + want);
            } finally {
                xen.disableLogDirty(domid);
            }
        } finally {
            if (xen.domain(domid).paused()) {
                xen.unpause(domid);
            }
        }
    }

    private void pause() throws Exception {
        xen.pause(domid);
        check(xen.domain(domid).paused(), "pause returned but the domain is " + xen.domain(domid).state());
        // xenconsoled copies the console ring asynchronously: wait for the last lines to land
        long size = -1;
        for (long t = 0; t < WAIT_LIMIT_MS && size != Files.size(console); t += 1000) {
            size = Files.size(console);
            Thread.sleep(1000);
        }
    }

    /** Pages in the bitmap itself, after checking the backend's returned count agrees with it. */
    private long clean(DirtyBitmap bitmap) {
        bitmap.clear();
        long reported = xen.cleanLogDirty(domid, bitmap);
        long counted = bitmap.cardinality();
        check(reported == counted, "cleanLogDirty returned " + reported + " but set " + counted + " bits");
        return counted;
    }

    private void awaitTicks(long since, int ticks) throws Exception {
        for (long t = 0; t < WAIT_LIMIT_MS; t += 500) {
            if (dirtied().stream().filter(d -> d > since).count() >= ticks) {
                return;
            }
            Thread.sleep(500);
        }
        throw new CheckFailed("the guest printed fewer than " + ticks + " ticks in " + WAIT_LIMIT_MS + " ms after unpause");
    }

    private List<Long> dirtied() throws IOException {
        return Files.readAllLines(console, StandardCharsets.ISO_8859_1).stream()
                .map(TICK::matcher).filter(Matcher::matches).map(m -> Long.parseLong(m.group(1))).toList();
    }

    private long lastDirtied() throws IOException {
        List<Long> all = dirtied();
        check(!all.isEmpty(), "no tick line in " + console);
        return all.get(all.size() - 1);
    }

    /** A tick may write its pages before a pause and print them after: its line bounds the writes then. */
    private long firstDirtiedAfter(long dirtied) throws IOException {
        return dirtied().stream().filter(d -> d > dirtied).findFirst()
                .orElseThrow(() -> new CheckFailed("no tick line after dirtied=" + dirtied));
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new CheckFailed(what);
        }
    }

    private static final class CheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailed(String what) {
            super(what);
        }
    }
}
