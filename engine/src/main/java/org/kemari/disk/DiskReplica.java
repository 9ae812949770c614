package org.kemari.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.kemari.ft.EpochConsumer;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;

/**
 * Secondary: applies each committed epoch's DISK_WRITES to this host's own image of the guest's
 * disk and forces them to disk before the epoch is acknowledged, so the replica's disk is always
 * the disk of the replica's memory. Every record of the epoch is checked before the first byte is
 * written; a failure leaves the epoch unacknowledged and the stream failed.
 */
public final class DiskReplica implements EpochConsumer {
    private final DiskImage image;

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
        int seen = 0;
        for (OpaqueRecord r : records) {
            if (r.kind() == OpaqueRecord.Kind.DISK_WRITES) {
                seen++;
                try {
                    writes.addAll(DiskWrites.parse(r.payload(), image.size(), where));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(epoch + ", DISK_WRITES record " + seen + ": " + e.getMessage(), e);
                }
            }
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
    }
}
