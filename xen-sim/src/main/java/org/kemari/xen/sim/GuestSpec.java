package org.kemari.xen.sim;

import org.kemari.xen.DomainType;

/**
 * A workload guest to start with {@link SimHost#createGuest}: a memtouch program writing
 * {@code stepsPerSecond} pages per second per vcpu (0 = as fast as it can) over the first
 * {@code workingSetPages} pages after the info page.
 */
public record GuestSpec(String name, DomainType type, long memoryMiB, int vcpus,
                        long workingSetPages, long stepsPerSecond, long seed) {
    public GuestSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("guest name is empty");
        }
        if (type == null) {
            throw new IllegalArgumentException("guest " + name + ": type is missing (PV, PVH or HVM)");
        }
        if (memoryMiB <= 0) {
            throw new IllegalArgumentException("guest " + name + ": memory must be positive, got " + memoryMiB + " MiB");
        }
        if (vcpus <= 0 || vcpus > GuestInfoPage.MAX_VCPUS) {
            throw new IllegalArgumentException("guest " + name + ": vcpus must be 1.." + GuestInfoPage.MAX_VCPUS + ", got " + vcpus);
        }
        if (workingSetPages < vcpus || workingSetPages > memoryMiB * 256 - 1) {
            throw new IllegalArgumentException("guest " + name + ": working set must be " + vcpus + ".."
                    + (memoryMiB * 256 - 1) + " pages (at least one per vcpu, within memory), got " + workingSetPages);
        }
        if (stepsPerSecond < 0) {
            throw new IllegalArgumentException("guest " + name + ": steps per second must be >= 0, got " + stepsPerSecond);
        }
    }

    /** An HVM guest of 64 MiB, one vcpu, touching 1024 pages at 1000 steps/s. */
    public static GuestSpec memtouch(String name) {
        return new GuestSpec(name, DomainType.HVM, 64, 1, 1024, 1000, 1);
    }

    public GuestSpec withType(DomainType t) {
        return new GuestSpec(name, t, memoryMiB, vcpus, workingSetPages, stepsPerSecond, seed);
    }

    public GuestSpec withMemoryMiB(long mib) {
        return new GuestSpec(name, type, mib, vcpus, workingSetPages, stepsPerSecond, seed);
    }

    public GuestSpec withVcpus(int n) {
        return new GuestSpec(name, type, memoryMiB, n, workingSetPages, stepsPerSecond, seed);
    }

    public GuestSpec withWorkingSetPages(long pages) {
        return new GuestSpec(name, type, memoryMiB, vcpus, pages, stepsPerSecond, seed);
    }

    public GuestSpec withStepsPerSecond(long rate) {
        return new GuestSpec(name, type, memoryMiB, vcpus, workingSetPages, rate, seed);
    }

    public GuestSpec withSeed(long s) {
        return new GuestSpec(name, type, memoryMiB, vcpus, workingSetPages, stepsPerSecond, s);
    }

    long memoryPages() {
        return memoryMiB * 256;
    }
}
