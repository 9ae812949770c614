package org.kemari.ft.send;

import java.util.List;
import java.util.function.Consumer;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.xen.Crashpoint;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.PmTimerKeeper;
import org.kemari.xen.VcpuContext;

/**
 * Takes one epoch: pause, quiesce the contributors (an HVM guest's device model stops and saves
 * its state), harvest the log-dirty bitmap, copy the dirty pages, the HVM and vcpu contexts, a
 * grant-table snapshot and the contributors' records, resume the contributors, unpause.
 * Everything is read while the vcpus and the devices are stopped, so it is one consistent state
 * of the guest; the device model stops before the harvest because a DMA write it completes
 * while stopping must be in this epoch's pages (docs/failover.md, "One epoch of an HVM guest").
 */
final class EpochCapture {
    private final Hypervisor hv;
    private final DomainInfo guest;
    private final GrantTables grants;
    private final List<EpochContributor> contributors;
    private final DirtyBitmap dirty;
    private final PageCopier copier;
    private final DirtyBitmap ram;
    private final PmTimerKeeper clocks;
    private final Consumer<String> warning;
    private boolean warned;

    EpochCapture(Hypervisor hv, DomainInfo guest, GrantTables grants, List<EpochContributor> contributors, DirtyBitmap ram,
                 Consumer<String> warning) {
        this.hv = hv;
        this.guest = guest;
        this.grants = grants;
        this.contributors = contributors;
        this.dirty = new DirtyBitmap(guest.maxGpfn() + 1);
        this.copier = new PageCopier(hv, guest.domid());
        this.ram = ram;
        this.clocks = new PmTimerKeeper(hv, guest.domid());
        this.warning = warning;
    }

    /**
     * @param leftover pages known dirty but not yet sent (the last pre-copy harvest), or null
     */
    void capture(CapturedEpoch into, DirtyBitmap leftover) {
        int domid = guest.domid();
        long start = System.nanoTime();
        Crashpoint.reach("sender.before-harvest");
        hv.pause(domid);
        EpochId id = new EpochId(into.epoch);
        int quiesced = 0;
        try {
            clocks.settle();
            for (; quiesced < contributors.size(); quiesced++) {
                contributors.get(quiesced).quiesce(id);
            }
            Crashpoint.reach("sender.paused");
            copyPaused(into, leftover);
            for (EpochContributor c : contributors) {
                into.opaque.addAll(c.capture(id));
            }
        } finally {
            try {
                resume(quiesced);
            } finally {
                hv.unpause(domid);
                into.pausedNanos = System.nanoTime() - start;
            }
        }
        if (!warned) {
            clocks.caveat().ifPresent(why -> {
                warned = true;
                warning.accept(why);
            });
        }
    }

    private void copyPaused(CapturedEpoch into, DirtyBitmap leftover) {
        int domid = guest.domid();
        hv.cleanLogDirty(domid, dirty);
        if (leftover != null) {
            dirty.or(leftover);
        }
        // the guest's writes to Xen's pages in its physmap (grant entries) are logged too;
        // those pages travel as the grant snapshot, not as RAM the replica would have to grow
        dirty.and(ram);
        copier.copy(dirty, into.pages);
        if (guest.type().hasHvmContext()) {
            into.hvm = clocks.save().bytes();
            into.sharedInfo = hv.sharedInfoFrame(domid).orElse(-1);
        }
        into.vcpus = new VcpuContext[guest.vcpus()];
        for (int v = 0; v < guest.vcpus(); v++) {
            into.vcpus[v] = hv.vcpuContext(domid, v);
        }
        into.grants = grants.snapshot(domid);
    }

    /** Resumes the first {@code count} contributors, last quiesced first; the first failure wins, the rest are still resumed. */
    private void resume(int count) {
        RuntimeException failure = null;
        for (int i = count - 1; i >= 0; i--) {
            try {
                contributors.get(i).resume();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
