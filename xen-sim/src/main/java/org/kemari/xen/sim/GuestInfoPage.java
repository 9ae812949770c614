package org.kemari.xen.sim;

/**
 * The boot-info page every simulated workload guest keeps at pfn {@link #PFN}: how fast it
 * runs, how many vcpus it uses, and one progress counter per vcpu that the guest increments on
 * every step. Reading a counter through a foreign mapping is how dom0 tools (and the TCK) see
 * whether a guest runs. All fields are little-endian u64.
 */
public final class GuestInfoPage {
    public static final long PFN = 0;
    /** "KEMARIG1" when the page is initialised. */
    public static final int MAGIC_OFFSET = 0;
    public static final long MAGIC = 0x31474952414D454BL;
    /** Guest steps per second per vcpu; 0 runs unthrottled. */
    public static final int STEPS_PER_SECOND_OFFSET = 8;
    public static final int VCPUS_OFFSET = 16;
    /** Progress counter of vcpu v at PROGRESS_OFFSET + 8 * v. */
    public static final int PROGRESS_OFFSET = 64;
    /** Program-specific parameters start here. */
    public static final int PARAMS_OFFSET = 2048;
    /** Bounded by the counters that fit below the parameters. */
    public static final int MAX_VCPUS = 128;

    private GuestInfoPage() {
    }

    public static int progressOffset(int vcpu) {
        return PROGRESS_OFFSET + 8 * vcpu;
    }

    static boolean present(GuestMemory memory) {
        return memory.pages() > PFN && memory.getLong(PFN, MAGIC_OFFSET) == MAGIC;
    }
}
