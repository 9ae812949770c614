package org.kemari.ft.timing;

import java.util.Optional;

/**
 * The steps of an epoch's life that are timed on every epoch (docs/benchmarks.md, "Stages of an
 * epoch"). The primary's stages up to {@link #UNPAUSE} happen while the guest is stopped, and
 * {@link #STOP} is their total as the guest saw it; the rest overlap the guest running on.
 */
public enum Stage {
    /** The pause hypercall, until every vcpu is stopped. */
    PAUSE("pause", true),
    /** Letting vcpus that wait on the device model take their answer (HVM), so the context save cancels no emulation. */
    SETTLE("settle", true),
    /** Contributors stopping what else writes guest memory, and saving its state: an HVM guest's device model (its device-state save). */
    QUIESCE("quiesce", true),
    /** Reading and clearing the log-dirty bitmap, merging what pre-copy left, masking Xen's own frames. */
    HARVEST("harvest", true),
    /** Mapping the dirty frames into dom0 and unmapping them, summed over the epoch's batches. */
    MAP("map", true),
    /** Copying the mapped pages into send buffers, summed over the epoch's batches. */
    COPY("copy", true),
    /** The HVM context (with the PM timer reload) and every vcpu's context. */
    CONTEXT("context", true),
    /** The grant-table snapshot. */
    GRANTS("grants", true),
    /** The contributor that adds event-tap's held-request log. */
    EVENT_TAP_LOG("event-tap-log", true),
    /** The contributor that adds the rings' state. */
    RING_STATE("ring-state", true),
    /** The contributor that adds the HVM platform record: HVM params and the device model's state saved at quiesce. */
    HVM_PLATFORM("hvm-platform", true),
    /** The contributor that cuts the guest's disk-write log (DISK_WRITES). */
    DISK_WRITES("disk-writes", true),
    /** The contributor that takes the emulated NIC's held frames (NET_OUTPUT). */
    NET_OUTPUT("net-output", true),
    /** Contributors undoing their quiesce (none does today: QEMU resumes its devices itself after the save). */
    RESUME("resume", true),
    /** The unpause hypercall. */
    UNPAUSE("unpause", true),
    /** The whole stop, pause to unpause: what the guest lost. */
    STOP("stop", true),
    /** Laying out the epoch's records: page encoding and compression, checksums. */
    ENCODE("encode", false),
    /** Writing the epoch's records to the secondary. */
    SEND("send", false),
    /** From the commit record written to its ACK read: the secondary's apply plus the network both ways. */
    ACK("ack", false),
    /** Secondary: from a verified commit to its ACK: pages, contexts and grants into the replica, records to their owners. */
    APPLY("apply", false);

    private final String word;
    private final boolean stopped;

    Stage(String word, boolean stopped) {
        this.word = word;
        this.stopped = stopped;
    }

    /** The stage's name in status output, metrics labels and docs. */
    public String word() {
        return word;
    }

    /** Whether the guest is paused during this stage. */
    public boolean inStop() {
        return stopped;
    }

    public static Optional<Stage> ofWord(String word) {
        for (Stage s : values()) {
            if (s.word.equals(word)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
