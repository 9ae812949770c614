package org.kemari.dm;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The HVM params (public/hvm/params.h) that matter when a replica takes over. Xen's own
 * migration sends the same set (libxc's save: write_hvm_params), minus nothing, plus the
 * callback, which libxc leaves to the resuming guest and kemari needs to decide whether a
 * failover is possible at all (see {@link FailoverCheck}).
 */
final class HvmParams {
    static final int CALLBACK_IRQ = 0;

    /**
     * Set by the toolstack when it builds a domain: a replica made from the same config gets the
     * same values. One that differs means the replica was built differently and cannot run the
     * primary's memory image.
     */
    static final Map<Integer, String> TOOLSTACK = Map.of(
            1, "HVM_PARAM_STORE_PFN", 5, "HVM_PARAM_IOREQ_PFN", 6, "HVM_PARAM_BUFIOREQ_PFN",
            17, "HVM_PARAM_CONSOLE_PFN", 27, "HVM_PARAM_PAGING_RING_PFN", 28, "HVM_PARAM_MONITOR_RING_PFN",
            29, "HVM_PARAM_SHARING_RING_PFN", 32, "HVM_PARAM_IOREQ_SERVER_PFN", 33, "HVM_PARAM_NR_IOREQ_SERVER_PAGES");

    /**
     * Set by the guest or its firmware once it runs (hvmloader moves the ACPI PM ports and
     * places the VM86 TSS), so a replica created paused does not have them: copied at failover.
     */
    static final Map<Integer, String> GUEST = Map.of(
            9, "HVM_PARAM_VIRIDIAN", 12, "HVM_PARAM_IDENT_PT", 19, "HVM_PARAM_ACPI_IOPORTS_LOCATION",
            34, "HVM_PARAM_VM_GENERATION_ID_ADDR", 36, "HVM_PARAM_X87_FIP_WIDTH", 37, "HVM_PARAM_VM86_TSS_SIZED",
            38, "HVM_PARAM_MCA_CAP");

    /** What the primary sends: every param above and the callback. */
    static final int[] CAPTURED = Stream.of(Set.of(CALLBACK_IRQ), TOOLSTACK.keySet(), GUEST.keySet())
            .flatMap(Set::stream).mapToInt(Integer::intValue).sorted().toArray();

    private HvmParams() {
    }
}
