package org.kemari.testbed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.Hypervisors;

/**
 * Prints the tick counter the testbed's dirtier keeps in guest memory (the page that starts
 * with "KEMARI-DIRTIER-1", counter u64 little-endian at byte 16), read from dom0 through the
 * xen backend: {@code DirtierCounter <domain>} prints "pfn 0x… tick N". Used on a paused
 * replica (cases/hvm-failover.sh), so the value is the one its last committed epoch holds.
 * Exit 0 found, 1 not found or error.
 */
public final class DirtierCounter {
    private static final byte[] MAGIC = "KEMARI-DIRTIER-1".getBytes(StandardCharsets.US_ASCII);
    private static final int BATCH = 1024;

    private DirtierCounter() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: DirtierCounter <domain>");
            System.exit(2);
        }
        try (Hypervisor xen = Hypervisors.open("xen")) {
            DomainInfo d = xen.lookup(args[0]);
            // guest RAM of the testbed's 128 MiB guest lies below the PCI hole; the rest of the
            // span up to maxGpfn is special pages that cannot hold the workload
            long end = Math.min(d.maxGpfn() + 1, Math.max(d.totPages(), d.maxPages()) + 0x1000);
            long[] pfns = new long[BATCH];
            for (long start = 0; start < end; start += BATCH) {
                int n = (int) Math.min(BATCH, end - start);
                for (int i = 0; i < n; i++) {
                    pfns[i] = start + i;
                }
                try (ForeignMapping m = xen.map(d.domid(), pfns, n, false)) {
                    for (int i = 0; i < n; i++) {
                        if (m.error(i) == 0 && startsWithMagic(m.page(i))) {
                            long tick = m.page(i).duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(16);
                            System.out.printf("pfn 0x%x tick %d%n", m.pfn(i), tick);
                            return;
                        }
                    }
                }
            }
            System.out.println("no page of dom " + d.domid() + " (" + args[0] + ") starts with the dirtier's magic below pfn 0x"
                    + Long.toHexString(end));
            System.exit(1);
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e.getMessage());
            System.exit(1);
        }
    }

    private static boolean startsWithMagic(ByteBuffer page) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (page.get(page.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
