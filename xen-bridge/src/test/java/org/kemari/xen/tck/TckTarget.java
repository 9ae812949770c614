package org.kemari.xen.tck;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.kemari.xen.Hypervisor;

/**
 * What a backend supplies to run the hypervisor TCK: a hypervisor handle, a running workload
 * guest and a blank domain of the same shape. Facilities only some backends have (exact
 * stepping, acting as the guest kernel) are optional; TCK cases that need them are skipped,
 * never faked, where they are absent.
 *
 * <p>The workload guest ("memtouch") must: write only pages of its working set plus its
 * counter page; increment a little-endian u64 progress counter in memory at
 * {@link GuestLayout#counterPfn()}/{@link GuestLayout#counterOffset()} by reading and writing
 * it back on every step (so a value dom0 writes there is continued from); and keep all its
 * state in memory and vcpu context.
 */
public interface TckTarget {

    Hypervisor open();

    /** Starts a running workload guest (PVH or HVM) named {@code name}; returns its domid. */
    int startGuest(Hypervisor hv, String name);

    /** Where the guests of {@link #startGuest} keep their counter and working set. */
    GuestLayout layout();

    /** A blank, paused domain with the shape of {@code domid} (xl create -p on real Xen). */
    int createBlankLike(Hypervisor hv, int domid, String name);

    /** An empty paused PV domain, if this backend can make one. */
    default OptionalInt createPvDomain(Hypervisor hv, String name) {
        return OptionalInt.empty();
    }

    /** True only on a Xen built with shadow paging, where PV guests can log dirty pages. */
    default boolean pvLogDirtySupported() {
        return false;
    }

    /** Whether {@link #step} is available. */
    default boolean canStep() {
        return false;
    }

    /** Runs exactly {@code steps} guest steps on every vcpu of the paused domain; it stays paused. */
    default void step(int domid, long steps) {
        throw new UnsupportedOperationException("this backend cannot single-step guests");
    }

    /**
     * Whether the memory and vcpu/HVM context of a paused workload guest are all of it, so that
     * a blank domain loaded with them runs on by itself. A Linux guest on Xen also keeps state
     * in the hypervisor that no memory or context copy carries (its event channels, the timer
     * VIRQ among them; frames it added to its physical map at run time, such as its shared-info
     * page), which it re-creates only when it resumes from a suspend it took part in.
     */
    default boolean copiesAreComplete() {
        return true;
    }

    /** Acts as the kernel inside {@code domid}, if the backend can; may be used while the domain is paused. */
    default Optional<GuestAgent> agent(int domid) {
        return Optional.empty();
    }

    /**
     * Ends a domain a case made. A target that lends one running guest to every case instead
     * hands it back here as the case found it (running, not logging dirty pages).
     */
    default void destroy(Hypervisor hv, int domid) {
        hv.destroy(domid);
    }

    /** How long a running guest may take to show progress. */
    default Duration progressTimeout() {
        return Duration.ofSeconds(10);
    }

    /** How long a paused guest is watched to confirm it makes no progress. */
    default Duration quietPeriod() {
        return Duration.ofMillis(150);
    }

    record GuestLayout(long counterPfn, int counterOffset, long workingSetFirstPfn, long workingSetPages) {
        public boolean mayWrite(long pfn) {
            return pfn == counterPfn || (pfn >= workingSetFirstPfn && pfn < workingSetFirstPfn + workingSetPages);
        }
    }
}
