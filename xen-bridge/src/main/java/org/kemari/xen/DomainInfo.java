package org.kemari.xen;

/**
 * One domain as the hypervisor reports it.
 *
 * @param maxPages  the memory limit in 4 KiB pages
 * @param totPages  pages currently populated
 * @param maxGpfn   highest guest frame number; log-dirty bitmaps span 0..maxGpfn, which on
 *                  real HVM/PVH guests is far beyond totPages (holes below 4 GiB)
 */
public record DomainInfo(int domid, String name, DomainState state, DomainType type,
                         long maxPages, long totPages, long maxGpfn, int vcpus) {

    public boolean paused() {
        return state == DomainState.PAUSED;
    }
}
