package org.kemari.xen.jna;

import java.io.File;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.kemari.xen.DomainInfo;
import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenException;
import org.kemari.xen.tck.TckTarget;

/**
 * The TCK's target on a real Xen dom0 (the testbed). Guests are made with the real toolstack
 * (`xl`), since building runnable domains is libxl's job, and found by name. Configured by
 * system properties:
 * <ul>
 * <li>{@code kemari.tck.xen.config}: xl config of the workload guest (PVH or HVM running the
 *     testbed's dirtier); each case's guest is {@code xl create <config> name="<case name>"},
 *     each blank replica {@code xl create -p <config> name="<name>"}. It must not attach a
 *     writable disk image, which two domains cannot share.</li>
 * <li>{@code kemari.tck.xen.guest}: instead of creating guests, borrow this running one (the
 *     testbed's {@code g1}); it is never destroyed, but released after each case (log-dirty off,
 *     every pause undone). Blank replicas still need the config.</li>
 * <li>{@code kemari.tck.xen.pvConfig}: xl config of a PV guest, for the PV log-dirty cases.</li>
 * <li>{@code kemari.tck.xen.pvLogDirty=true}: only on a Xen built with shadow paging.</li>
 * <li>{@code kemari.tck.xen.progressTimeoutSeconds}: default 60 (the testbed emulates).</li>
 * </ul>
 * The counter is the dirtier's tick: the u64 after the 16-byte magic "KEMARI-DIRTIER-1" at the
 * start of the first page of its working set, found by scanning the guest's memory. Its working
 * set is user memory scattered over guest frames, and its kernel writes where it likes, so the
 * layout lets the guest write any frame.
 */
final class XenTckTarget implements TckTarget {
    private static final byte[] MAGIC = "KEMARI-DIRTIER-1".getBytes(StandardCharsets.US_ASCII);
    private static final int COUNTER_OFFSET = 16;
    private static final int SCAN_BATCH = 512;
    private static final long XL_TIMEOUT_SECONDS = 180;

    /** xc_domain_pause nests up to 255 deep (Xen's controller pause count). */
    private static final int MAX_PAUSE_DEPTH = 255;

    private final Set<Integer> borrowed = new HashSet<>();
    private volatile GuestLayout layout;
    /** The domain {@link #layout} was found in. */
    private volatile int layoutDomid = -1;

    @Override
    public Hypervisor open() {
        return new XenProvider().open();
    }

    @Override
    public int startGuest(Hypervisor hv, String name) {
        String borrow = System.getProperty("kemari.tck.xen.guest");
        int domid;
        if (borrow != null) {
            domid = hv.lookup(borrow).domid();
            borrowed.add(domid);
        } else {
            xl("create", config("kemari.tck.xen.config"), "name=\"" + name + "\"");
            domid = hv.lookup(name).domid();
        }
        // the borrowed guest's header page stays where it is (anonymous memory of a running
        // process): a full scan per case would cost seconds each under emulation
        if (layoutDomid != domid || !borrowed.contains(domid) || !hasMagic(hv, domid, layout.counterPfn())) {
            layout = findCounter(hv, domid);
            layoutDomid = domid;
        }
        return domid;
    }

    @Override
    public GuestLayout layout() {
        if (layout == null) {
            throw new IllegalStateException("no workload guest started yet: its counter is found in its memory");
        }
        return layout;
    }

    @Override
    public int createBlankLike(Hypervisor hv, int domid, String name) {
        xl("create", "-p", config("kemari.tck.xen.config"), "name=\"" + name + "\"");
        return hv.lookup(name).domid();
    }

    @Override
    public OptionalInt createPvDomain(Hypervisor hv, String name) {
        String pv = System.getProperty("kemari.tck.xen.pvConfig");
        if (pv == null) {
            return OptionalInt.empty();
        }
        xl("create", "-p", pv, "name=\"" + name + "\"");
        return OptionalInt.of(hv.lookup(name).domid());
    }

    @Override
    public boolean pvLogDirtySupported() {
        return Boolean.getBoolean("kemari.tck.xen.pvLogDirty");
    }

    /**
     * xl, not xc_domain_destroy: it also tears down the devices and xenstore entries it made.
     * The borrowed guest is released instead: the next case needs it running and not logging.
     */
    @Override
    public void destroy(Hypervisor hv, int domid) {
        if (borrowed.contains(domid)) {
            release(hv, domid);
        } else {
            hv.domain(domid); // ESRCH, as the other backends say, if the case destroyed it already
            xl("destroy", Integer.toString(domid));
        }
    }

    /** Log-dirty off (a no-op when it is off) and every pause a case left undone, until EINVAL says none is left. */
    private static void release(Hypervisor hv, int domid) {
        hv.disableLogDirty(domid);
        for (int i = 0; i <= MAX_PAUSE_DEPTH; i++) {
            try {
                hv.unpause(domid);
            } catch (XenException e) {
                if (e.errno() == Errno.EINVAL) {
                    return;
                }
                throw e;
            }
        }
        throw new IllegalStateException("dom" + domid + " still paused after " + (MAX_PAUSE_DEPTH + 1) + " unpauses");
    }

    /**
     * Measured on the testbed: the running PVH guest had frame 0xffff, which a blank made from
     * its config lacked, so the copy could not even be written; nor can a copy re-create the
     * guest's event channels.
     */
    @Override
    public boolean copiesAreComplete() {
        return false;
    }

    @Override
    public Duration progressTimeout() {
        return Duration.ofSeconds(Long.getLong("kemari.tck.xen.progressTimeoutSeconds", 60));
    }

    /** Candidates are pages starting with the magic; the counter is the one that advances. */
    private GuestLayout findCounter(Hypervisor hv, int domid) {
        DomainInfo info = hv.domain(domid);
        long deadline = System.nanoTime() + progressTimeout().toNanos();
        while (true) {
            List<long[]> candidates = scan(hv, domid, info.maxPages());
            if (!candidates.isEmpty()) {
                sleepMillis(500);
                for (long[] c : candidates) {
                    if (counterAt(hv, domid, c[0]) != c[1]) {
                        return new GuestLayout(c[0], COUNTER_OFFSET, 0, info.maxGpfn() + 1);
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("dom" + domid + ": no advancing dirtier counter (magic "
                        + new String(MAGIC, StandardCharsets.US_ASCII) + ") within " + progressTimeout()
                        + "; candidates " + candidates.size());
            }
            sleepMillis(500);
        }
    }

    /** {pfn, counter} of every frame below {@code frames} whose page starts with the magic. */
    private static List<long[]> scan(Hypervisor hv, int domid, long frames) {
        List<long[]> found = new ArrayList<>();
        byte[] head = new byte[MAGIC.length];
        for (long first = 0; first < frames; first += SCAN_BATCH) {
            long[] pfns = new long[(int) Math.min(SCAN_BATCH, frames - first)];
            for (int i = 0; i < pfns.length; i++) {
                pfns[i] = first + i;
            }
            try (ForeignMapping m = hv.map(domid, pfns, pfns.length, false)) {
                for (int i = 0; i < pfns.length; i++) {
                    if (m.error(i) == 0) {
                        m.page(i).get(0, head);
                        if (Arrays.equals(head, MAGIC)) {
                            found.add(new long[] {pfns[i],
                                    m.page(i).order(ByteOrder.LITTLE_ENDIAN).getLong(COUNTER_OFFSET)});
                        }
                    }
                }
            }
        }
        return found;
    }

    private static boolean hasMagic(Hypervisor hv, int domid, long pfn) {
        byte[] head = new byte[MAGIC.length];
        try (ForeignMapping m = hv.map(domid, new long[] {pfn}, 1, false)) {
            if (m.error(0) != 0) {
                return false;
            }
            m.page(0).get(0, head);
            return Arrays.equals(head, MAGIC);
        }
    }

    private static long counterAt(Hypervisor hv, int domid, long pfn) {
        try (ForeignMapping m = hv.map(domid, new long[] {pfn}, 1, false)) {
            return m.page(0).order(ByteOrder.LITTLE_ENDIAN).getLong(COUNTER_OFFSET);
        }
    }

    private static String config(String property) {
        String cfg = System.getProperty(property);
        if (cfg == null || !Files.isReadable(Path.of(cfg))) {
            throw new IllegalStateException("-D" + property + " must name a readable xl config file (got " + cfg + ")");
        }
        return cfg;
    }

    private static void xl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("xl"));
        cmd.addAll(List.of(args));
        File log = null;
        try {
            log = File.createTempFile("kemari-xl", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
            if (!p.waitFor(XL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + XL_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(log.toPath()).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
        } finally {
            if (log != null) {
                log.delete();
            }
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
