package org.kemari.xen.sim.guest;

import org.kemari.ring.guest.WorkloadFormat;
import org.kemari.xen.sim.GuestInfoPage;

/**
 * The shape and pace of an {@link IoGuest}: {@code touchesPerStep} working-set writes per step on
 * every vcpu, a block write every {@code writeInterval} steps of vcpu 0 over a disk of
 * {@code blocks} 4 KiB blocks, {@code stepsPerSecond} steps per vcpu (0: as fast as it can).
 */
public record IoGuestConfig(String name, long memoryMiB, int vcpus, long workingSetPages, long touchesPerStep,
                            long writeInterval, long blocks, long stepsPerSecond, long seed) {

    public IoGuestConfig {
        String what = "io guest " + name + ": ";
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("io guest name is empty");
        }
        if (vcpus <= 0 || vcpus > GuestInfoPage.MAX_VCPUS) {
            throw new IllegalArgumentException(what + "vcpus must be 1.." + GuestInfoPage.MAX_VCPUS + ", got " + vcpus);
        }
        long frames = memoryMiB * 256;
        if (memoryMiB <= 0 || workingSetPages < vcpus || IoGuestLayout.WORKING_SET_BASE + workingSetPages > frames) {
            throw new IllegalArgumentException(what + "working set must be " + vcpus + ".." + (frames - IoGuestLayout.WORKING_SET_BASE)
                    + " pages (one per vcpu at least, after the device frames, within " + memoryMiB + " MiB), got " + workingSetPages);
        }
        if (touchesPerStep <= 0 || writeInterval <= 0 || blocks <= 0) {
            throw new IllegalArgumentException(what + "touches per step (" + touchesPerStep + "), steps between writes ("
                    + writeInterval + ") and disk blocks (" + blocks + ") must all be positive");
        }
        if (stepsPerSecond < 0) {
            throw new IllegalArgumentException(what + "steps per second must be >= 0, got " + stepsPerSecond);
        }
    }

    /** 16 MiB, one vcpu, 1024-page working set, 4 touches and a write every 10 steps, 64 blocks, 2000 steps/s. */
    public static IoGuestConfig demo(String name) {
        return new IoGuestConfig(name, 16, 1, 1024, 4, 10, 64, 2000, 1);
    }

    public IoGuestConfig withBlocks(long n) {
        return new IoGuestConfig(name, memoryMiB, vcpus, workingSetPages, touchesPerStep, writeInterval, n, stepsPerSecond, seed);
    }

    public IoGuestConfig withWriteInterval(long steps) {
        return new IoGuestConfig(name, memoryMiB, vcpus, workingSetPages, touchesPerStep, steps, blocks, stepsPerSecond, seed);
    }

    public IoGuestConfig withStepsPerSecond(long rate) {
        return new IoGuestConfig(name, memoryMiB, vcpus, workingSetPages, touchesPerStep, writeInterval, blocks, rate, seed);
    }

    public IoGuestConfig withVcpus(int n) {
        return new IoGuestConfig(name, memoryMiB, n, workingSetPages, touchesPerStep, writeInterval, blocks, stepsPerSecond, seed);
    }

    /** Bytes the shared disk image needs. */
    public long imageBytes() {
        return blocks * WorkloadFormat.BLOCK_SIZE;
    }
}
