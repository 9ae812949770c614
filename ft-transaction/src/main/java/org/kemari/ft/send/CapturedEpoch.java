package org.kemari.ft.send;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.compress.PageStore;
import org.kemari.xen.VcpuContext;

/** Everything one epoch sends, captured while the guest was paused. Reused through a bounded pool. */
final class CapturedEpoch {
    /** Tells the transmit thread that no more epochs come. */
    static final CapturedEpoch END = new CapturedEpoch();

    final PageStore pages = new PageStore();
    final List<OpaqueRecord> opaque = new ArrayList<>();
    final List<CompletableFuture<EpochId>> syncRequests = new ArrayList<>();
    long epoch;
    byte[] hvm;
    /** The gfn of the guest's shared-info page, -1 when unmapped; PVH and HVM guests only. */
    long sharedInfo;
    VcpuContext[] vcpus;
    byte[] grants;
    long pausedNanos;

    void reset(long epoch) {
        this.epoch = epoch;
        pages.clear();
        opaque.clear();
        syncRequests.clear();
        hvm = null;
        sharedInfo = -1;
        vcpus = null;
        grants = null;
    }
}
