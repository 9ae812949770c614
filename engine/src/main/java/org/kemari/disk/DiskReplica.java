package org.kemari.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kemari.ft.EpochConsumer;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;

/**
 * Secondary: applies each committed epoch's DISK_WRITES to this host's own image of the guest's
 * disk and forces them to disk before the epoch is acknowledged, so the replica's disk is always
 * the disk of the replica's memory. Every record of the epoch is checked before the first byte is
 * written; a failure leaves the epoch unacknowledged and the stream failed. Until the primary's
 * initial copy has arrived whole, the image is not a replica and failover to it is refused.
 */
public final class DiskReplica implements EpochConsumer {
    private final DiskImage image;
    private volatile boolean copied;
    private volatile EpochId last;

    public DiskReplica(DiskImage image) {
        this.image = image;
    }

    @Override
    public boolean consumes(OpaqueRecord.Kind kind) {
        return kind == OpaqueRecord.Kind.DISK_WRITES;
    }

    @Override
    public void committed(EpochId epoch, List<OpaqueRecord> records) {
        String where = "the disk replica " + image.path();
        List<DiskWrites.Write> writes = new ArrayList<>();
        Boolean complete = null;
        int seen = 0;
        for (OpaqueRecord r : records) {
            if (r.kind() != OpaqueRecord.Kind.DISK_WRITES) {
                continue;
            }
            seen++;
            DiskWrites.Body body;
            try {
                body = DiskWrites.parse(r.payload(), image.size(), where);
            } catch (RuntimeException e) {
                throw new IllegalStateException(epoch + ", DISK_WRITES record " + seen + ": " + e.getMessage(), e);
            }
            if (complete != null && complete != body.copied()) {
                throw new IllegalStateException(epoch + ", DISK_WRITES record " + seen + ": the records of one epoch disagree"
                        + " on whether the disk copy is complete");
            }
            complete = body.copied();
            writes.addAll(body.writes());
        }
        if (seen == 0) {
            throw new IllegalStateException(epoch + " carries no DISK_WRITES record: the primary does not replicate the"
                    + " guest's disk, but this secondary keeps a replica of it in " + image.path());
        }
        try {
            for (DiskWrites.Write w : writes) {
                image.write(w.offset(), w.data());
            }
            image.force();
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": applying " + epoch + " (" + writes.size() + " writes) failed: " + e, e);
        }
        copied = complete;
        last = epoch;
    }

    /** A new stream copies the disk anew: until it has, the image is no replica. */
    public void forget() {
        copied = false;
        last = null;
    }

    /** Why the replica cannot take over with this disk: the primary's initial copy had not arrived whole. */
    public Optional<String> refusal() {
        if (copied) {
            return Optional.empty();
        }
        return Optional.of("the disk replica " + image.path() + " is incomplete: the primary's initial disk copy had not"
                + " finished " + (last == null ? "before any epoch was committed" : "by " + last));
    }
}
