package org.kemari.ft.send;

import java.util.List;
import java.util.function.Consumer;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageTimes;
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
 * Each step is timed as its {@link Stage}, every epoch.
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
    private final StageTimes times;
    private boolean warned;

    EpochCapture(Hypervisor hv, DomainInfo guest, GrantTables grants, List<EpochContributor> contributors, DirtyBitmap ram,
                 Consumer<String> warning, StageTimes times) {
        this.hv = hv;
        this.guest = guest;
        this.grants = grants;
        this.contributors = contributors;
        this.dirty = new DirtyBitmap(guest.maxGpfn() + 1);
        this.copier = new PageCopier(hv, guest.domid(), times::now);
        this.ram = ram;
        this.clocks = new PmTimerKeeper(hv, guest.domid());
        this.warning = warning;
        this.times = times;
    }

    /**
     * @param leftover pages known dirty but not yet sent (the last pre-copy harvest), or null
     */
    void capture(CapturedEpoch into, DirtyBitmap leftover) {
        int domid = guest.domid();
        long start = times.now();
        Crashpoint.reach("sender.before-harvest");
        hv.pause(domid);
        long t = times.lap(Stage.PAUSE, start);
        EpochId id = new EpochId(into.epoch);
        int quiesced = 0;
        try {
            clocks.settle();
            t = times.lap(Stage.SETTLE, t);
            for (; quiesced < contributors.size(); quiesced++) {
                contributors.get(quiesced).quiesce(id);
            }
            t = times.lap(Stage.QUIESCE, t);
            Crashpoint.reach("sender.paused");
            t = copyPaused(into, leftover, t);
            for (EpochContributor c : contributors) {
                List<OpaqueRecord> records = c.capture(id);
                into.opaque.addAll(records);
                t = contributed(records, t);
            }
        } finally {
            try {
                long resuming = times.now();
                resume(quiesced);
                times.lap(Stage.RESUME, resuming);
            } finally {
                long unpausing = times.now();
                hv.unpause(domid);
                into.pausedNanos = times.lap(Stage.UNPAUSE, unpausing) - start;
                times.record(Stage.STOP, into.pausedNanos);
            }
        }
        if (!warned) {
            clocks.caveat().ifPresent(why -> {
                warned = true;
                warning.accept(why);
            });
        }
    }

    /** @return when the last of its stages ended */
    private long copyPaused(CapturedEpoch into, DirtyBitmap leftover, long start) {
        int domid = guest.domid();
        hv.cleanLogDirty(domid, dirty);
        if (leftover != null) {
            dirty.or(leftover);
        }
        // the guest's writes to Xen's pages in its physmap (grant entries) are logged too;
        // those pages travel as the grant snapshot, not as RAM the replica would have to grow
        dirty.and(ram);
        long t = times.lap(Stage.HARVEST, start);
        copier.copy(dirty, into.pages);
        times.record(Stage.MAP, copier.mapNanos());
        times.record(Stage.COPY, copier.copyNanos());
        t = times.now();
        if (guest.type().hasHvmContext()) {
            into.hvm = clocks.save().bytes();
            into.sharedInfo = hv.sharedInfoFrame(domid).orElse(-1);
        }
        into.vcpus = new VcpuContext[guest.vcpus()];
        for (int v = 0; v < guest.vcpus(); v++) {
            into.vcpus[v] = hv.vcpuContext(domid, v);
        }
        t = times.lap(Stage.CONTEXT, t);
        into.grants = grants.snapshot(domid);
        return times.lap(Stage.GRANTS, t);
    }

    /** A contributor's time is its records' stage; one that added nothing this epoch is not a sample. */
    private long contributed(List<OpaqueRecord> records, long start) {
        if (records.isEmpty()) {
            return times.now();
        }
        Stage stage = switch (records.get(0).kind()) {
            case EVENT_TAP_LOG -> Stage.EVENT_TAP_LOG;
            case RING_STATE -> Stage.RING_STATE;
            case HVM_PLATFORM, DEVICE_SET -> Stage.HVM_PLATFORM;
            case DISK_WRITES -> Stage.DISK_WRITES;
            case NET_OUTPUT -> Stage.NET_OUTPUT;
        };
        return times.lap(stage, start);
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
