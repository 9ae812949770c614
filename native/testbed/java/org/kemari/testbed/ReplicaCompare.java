package org.kemari.testbed;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.HvmContext;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.Hypervisors;
import org.kemari.xen.PmTimerKeeper;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;

/**
 * Runs in the testbed's dom0 (cases/protect.sh): is the replica the primary, byte for byte?
 * Both domains must be paused at an epoch boundary. Every frame 0..max(maxGpfn) is classified on
 * both sides (guest RAM or not, {@link Hypervisor#ramFrames}): a frame that is RAM on one side
 * only is a difference; every frame RAM on both is mapped and compared byte for byte. Xen's own
 * pages in the physmap (shared info, grant frames) are not RAM: the grant tables are compared
 * whole instead (their snapshots), and for the shared-info page, where each has it mapped. Then
 * the HVM context record by record and each vcpu context, byte for byte, except the guest's
 * clock readings ({@link GuestClocks}), which must instead show the same guest time on both.
 * Uses only the public xen-bridge API.
 *
 * <p>Exit 0 equal, 1 different, 2 usage or a domain not paused.
 */
public final class ReplicaCompare {
    private static final int BATCH = 1024;
    private static final int SHOW = 20;

    private final Hypervisor xen;
    private final int primary;
    private final int replica;
    private int differences;

    private ReplicaCompare(Hypervisor xen, int primary, int replica) {
        this.xen = xen;
        this.primary = primary;
        this.replica = replica;
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ReplicaCompare PRIMARY REPLICA   (names or domids, both paused)");
            System.exit(2);
        }
        try (Hypervisor xen = Hypervisors.open("xen")) {
            DomainInfo p = xen.lookup(args[0]);
            DomainInfo r = xen.lookup(args[1]);
            for (DomainInfo d : List.of(p, r)) {
                if (!d.paused()) {
                    System.out.println("ERROR: " + d.name() + " (dom " + d.domid() + ") is " + d.state() + ", not paused");
                    System.exit(2);
                }
            }
            System.out.println("primary " + p + "\nreplica " + r);
            ReplicaCompare c = new ReplicaCompare(xen, p.domid(), r.domid());
            long t = System.nanoTime();
            c.pages(Math.max(p.maxGpfn(), r.maxGpfn()));
            System.out.printf("pages compared in %.1f s%n", (System.nanoTime() - t) / 1e9);
            c.grants();
            if (p.type().hasHvmContext()) {
                c.sharedInfo();
                c.hvm();
            }
            c.vcpus(p.vcpus());
            System.out.println(c.differences == 0 ? "RESULT: EQUAL" : "RESULT: DIFFERENT (" + c.differences + " differences)");
            System.exit(c.differences == 0 ? 0 : 1);
        } catch (XenException e) {
            System.out.println("ERROR: " + e.getMessage());
            System.exit(2);
        }
    }

    private void sharedInfo() {
        java.util.OptionalLong a = xen.sharedInfoFrame(primary);
        java.util.OptionalLong b = xen.sharedInfoFrame(replica);
        if (!a.equals(b)) {
            differences++;
        }
        System.out.println("shared-info page: primary " + frame(a) + ", replica " + frame(b) + (a.equals(b) ? ": equal" : ": differs"));
    }

    private static String frame(java.util.OptionalLong gfn) {
        return gfn.isPresent() ? String.format("at pfn %#x", gfn.getAsLong()) : "not mapped";
    }

    private void grants() {
        try (var g = xen.openGrantTables()) {
            byte[] a = g.snapshot(primary);
            byte[] b = g.snapshot(replica);
            int at = java.util.Arrays.mismatch(a, b);
            if (at >= 0) {
                differences++;
            }
            System.out.println("grant table (" + a.length + " vs " + b.length + " bytes): "
                    + (at < 0 ? "equal" : "differs from byte " + at + " (entry " + at / 8 + " of a v1 table)"));
        }
    }

    private void pages(long maxGpfn) {
        long both = 0;
        long equal = 0;
        long holes = 0;
        long onlyPrimary = 0;
        long onlyReplica = 0;
        long unmappable = 0;
        long[] pfns = new long[BATCH];
        List<String> shown = new ArrayList<>();
        for (long start = 0; start <= maxGpfn; start += BATCH) {
            int n = (int) Math.min(BATCH, maxGpfn + 1 - start);
            java.util.BitSet ramA = xen.ramFrames(primary, start, n);
            java.util.BitSet ramB = xen.ramFrames(replica, start, n);
            java.util.BitSet any = (java.util.BitSet) ramA.clone();
            any.or(ramB);
            if (any.isEmpty()) {
                holes += n;
                continue;
            }
            holes += n - any.cardinality();
            int k = 0;
            for (int i = any.nextSetBit(0); i >= 0; i = any.nextSetBit(i + 1)) {
                pfns[k++] = start + i;
            }
            // only frames that are RAM somewhere are mapped: a hole costs dom0 a failed hypercall
            try (ForeignMapping a = xen.map(primary, pfns, k, false); ForeignMapping b = xen.map(replica, pfns, k, false)) {
                for (int j = 0; j < k; j++) {
                    int i = (int) (pfns[j] - start);
                    boolean inA = ramA.get(i);
                    boolean inB = ramB.get(i);
                    if (inA != inB) {
                        if (inA) {
                            onlyPrimary++;
                        } else {
                            onlyReplica++;
                        }
                        show(shown, String.format("pfn %#x is RAM on the %s only", pfns[j], inA ? "primary" : "replica"));
                    } else if (a.error(j) != 0 || b.error(j) != 0) {
                        unmappable++;
                        show(shown, String.format("pfn %#x is RAM on both but does not map (errno %d / %d)", pfns[j],
                                a.error(j), b.error(j)));
                    } else {
                        both++;
                        int at = firstDifference(a.page(j), b.page(j));
                        if (at < 0) {
                            equal++;
                        } else {
                            show(shown, String.format("pfn %#x differs from byte %d (%d bytes differ; there primary %#04x, replica %#04x)",
                                    pfns[j], at, differingBytes(a.page(j), b.page(j)),
                                    a.page(j).get(a.page(j).position() + at), b.page(j).get(b.page(j).position() + at)));
                        }
                    }
                }
            }
        }
        long differ = both - equal + onlyPrimary + onlyReplica + unmappable;
        differences += (int) Math.min(Integer.MAX_VALUE, differ);
        System.out.printf("pages: %d frames scanned (0..%#x): %d RAM on both, %d equal, %d different,"
                + " %d RAM on the primary only, %d on the replica only, %d not RAM on either%n",
                maxGpfn + 1, maxGpfn, both, equal, both - equal, onlyPrimary, onlyReplica, holes);
        shown.forEach(s -> System.out.println("  " + s));
        if (differ > shown.size()) {
            System.out.println("  ... " + (differ - shown.size()) + " more");
        }
    }

    private void hvm() {
        // the primary runs on after the comparison: its clocks must not move because we looked
        List<HvmContext.Record> a = new PmTimerKeeper(xen, primary).save().records();
        List<HvmContext.Record> b = xen.hvmContext(replica).records();
        Map<String, HvmContext.Record> byKey = new HashMap<>();
        b.forEach(r -> byKey.put(r.type() + "/" + r.instance(), r));
        int equal = 0;
        int masked = 0;
        for (HvmContext.Record ra : a) {
            HvmContext.Record rb = byKey.remove(ra.type() + "/" + ra.instance());
            String what = "hvm record type " + ra.type() + " instance " + ra.instance();
            if (rb == null) {
                differences++;
                System.out.println("  " + what + ": on the primary only");
                continue;
            }
            byte[] x = ra.data();
            byte[] y = rb.data();
            if (x.length != y.length) {
                differences++;
                System.out.println("  " + what + ": " + x.length + " bytes vs " + y.length);
                continue;
            }
            boolean any = false;
            boolean maskedAny = false;
            StringBuilder ranges = new StringBuilder();
            for (int i = 0; i < x.length; i++) {
                if (x[i] != y[i]) {
                    if (GuestClocks.isClock(ra.type(), x, i)) {
                        maskedAny = true;
                        continue;
                    }
                    if (!any || ranges.length() < 200) {
                        ranges.append(' ').append(i);
                    }
                    any = true;
                }
            }
            if (any) {
                differences++;
                System.out.println("  " + what + " (" + x.length + " bytes) differs at byte(s)" + ranges);
            } else if (maskedAny) {
                masked++;
            } else {
                equal++;
            }
        }
        for (String k : byKey.keySet()) {
            differences++;
            System.out.println("  hvm record " + k + ": on the replica only");
        }
        System.out.printf("hvm context: %d records: %d equal, %d equal outside their clock readings, %d different%n",
                a.size(), equal, masked, a.size() - equal - masked);
        clocks(a, b);
    }

    /** The clock readings left out above: each of the replica's must show the primary's guest time. */
    private void clocks(List<HvmContext.Record> a, List<HvmContext.Record> b) {
        Map<String, Double> p = GuestClocks.read(a);
        Map<String, Double> r = GuestClocks.read(b);
        for (Map.Entry<String, Double> e : p.entrySet()) {
            String clock = e.getKey();
            Double rv = r.get(clock);
            if (rv == null) {
                differences++;
                System.out.println("  clock " + clock + ": on the primary only");
                continue;
            }
            double d = GuestClocks.difference(clock, e.getValue(), rv);
            String verdict;
            if (Math.abs(d) <= GuestClocks.TOLERANCE_S) {
                verdict = "within " + GuestClocks.TOLERANCE_S + " s";
            } else {
                differences++;
                verdict = "BEYOND " + GuestClocks.TOLERANCE_S + " s";
            }
            System.out.printf("clock %s: primary %.3f s, replica %.3f s: %+.3f s (%s)%n", clock, e.getValue(), rv, d, verdict);
        }
    }

    private void vcpus(int count) {
        for (int v = 0; v < count; v++) {
            VcpuContext a = xen.vcpuContext(primary, v);
            VcpuContext b = xen.vcpuContext(replica, v);
            byte[] x = a.bytes();
            byte[] y = b.bytes();
            int at = firstDifference(ByteBuffer.wrap(x), ByteBuffer.wrap(y));
            if (at >= 0 || x.length != y.length) {
                differences++;
            }
            System.out.println("vcpu " + v + " context (" + x.length + " bytes): "
                    + (at < 0 && x.length == y.length ? "equal" : "differs from byte " + at));
        }
    }

    private static int firstDifference(ByteBuffer a, ByteBuffer b) {
        int at = a.duplicate().mismatch(b.duplicate());
        return at;
    }

    private static int differingBytes(ByteBuffer a, ByteBuffer b) {
        int n = 0;
        for (int i = 0; i < ForeignMapping.PAGE_SIZE; i++) {
            if (a.get(a.position() + i) != b.get(b.position() + i)) {
                n++;
            }
        }
        return n;
    }

    private static void show(List<String> shown, String line) {
        if (shown.size() < SHOW) {
            shown.add(line);
        }
    }
}
