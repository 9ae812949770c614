package org.kemari.xen.sim;

/**
 * The "memtouch" workload: every step, a vcpu picks a word in its share of the working set
 * with a xorshift generator, mixes new data into it (a read-modify-write, so a replica with a
 * wrong page diverges) and increments its progress counter in the {@link GuestInfoPage}.
 *
 * <p>State: generator in {@code rax}, steps executed in {@code rbx}, last page touched in
 * {@code rcx}; working set base and size in the info page parameters. Each vcpu owns a disjoint
 * slice of the working set and its own counter, so the memory after n steps per vcpu does not
 * depend on how the vcpus interleave.
 */
public final class MemTouch implements GuestProgram {
    /** Entry point: a vcpu with this rip runs memtouch. */
    public static final long ENTRY = 0xffffffff81000000L;
    /** First pfn of the working set (u64 at this info-page offset). */
    public static final int WS_BASE_OFFSET = GuestInfoPage.PARAMS_OFFSET;
    /** Working set size in pages. */
    public static final int WS_PAGES_OFFSET = GuestInfoPage.PARAMS_OFFSET + 8;
    private static final long MIX = 0x9E3779B97F4A7C15L;

    @Override
    public void step(int vcpu, GuestCpu cpu, GuestMemory memory, SimGuest guest) {
        long info = GuestInfoPage.PFN;
        long vcpus = memory.getLong(info, GuestInfoPage.VCPUS_OFFSET);
        long base = memory.getLong(info, WS_BASE_OFFSET);
        long pages = memory.getLong(info, WS_PAGES_OFFSET);
        long slice = vcpus <= 0 ? 0 : pages / vcpus;
        if (vcpu >= vcpus || slice <= 0 || base < 1 || base + pages > memory.pages() || cpu.rax == 0) {
            throw new GuestFault("memtouch: bad working set (base " + base + ", " + pages + " pages, "
                    + vcpus + " vcpus, rng " + cpu.rax + ") for vcpu " + vcpu);
        }
        long x = cpu.rax;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        cpu.rax = x;
        long pfn = base + vcpu * slice + Long.remainderUnsigned(x >>> 11, slice);
        int offset = (int) ((x >>> 52) & 511) * 8;
        memory.putLong(pfn, offset, memory.getLong(pfn, offset) * MIX + x);
        cpu.rcx = pfn;
        cpu.rbx++;
        int counter = GuestInfoPage.progressOffset(vcpu);
        memory.putLong(info, counter, memory.getLong(info, counter) + 1);
    }

    /** Writes the info page and boots {@code cpus} into memtouch. */
    static void boot(GuestMemory memory, GuestCpu[] cpus, GuestSpec spec) {
        long info = GuestInfoPage.PFN;
        memory.putLong(info, GuestInfoPage.STEPS_PER_SECOND_OFFSET, spec.stepsPerSecond());
        memory.putLong(info, GuestInfoPage.VCPUS_OFFSET, spec.vcpus());
        memory.putLong(info, WS_BASE_OFFSET, 1);
        memory.putLong(info, WS_PAGES_OFFSET, spec.workingSetPages());
        memory.putLong(info, GuestInfoPage.MAGIC_OFFSET, GuestInfoPage.MAGIC);
        for (int v = 0; v < cpus.length; v++) {
            GuestCpu c = cpus[v];
            c.rip = ENTRY;
            c.rax = spec.seed() * MIX + (v + 1) * 0xBF58476D1CE4E5B9L;
            if (c.rax == 0) {
                c.rax = MIX;
            }
            c.cr0 = 0x80050033L; // PG|AM|WP|NE|ET|MP|PE: a 64-bit kernel's usual value
            c.cr4 = 0x3406f0L;
            c.efer = 0xd01L;
            c.online = true;
        }
    }
}
