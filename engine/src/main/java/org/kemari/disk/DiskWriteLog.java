package org.kemari.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;

/**
 * Primary: the disk writes completed since the last epoch, in the order the image received them,
 * cut into the epoch's DISK_WRITES records at every capture (docs/nbd.md). Register it after the
 * device-model capture: QEMU's save drains its block I/O, and the server logs a write before it
 * answers it, so by then every write the epoch's memory has seen completed is here.
 *
 * <p>Nothing bounds it but the epoch interval: writes are state, not output, and are never held
 * (holding them would deadlock that very drain), so the log holds whatever the guest writes
 * between two epochs.
 */
public final class DiskWriteLog implements CompletedWrites, EpochContributor {
    private final DiskWrites.Builder records;

    public DiskWriteLog(long diskSize) {
        this.records = new DiskWrites.Builder(diskSize);
    }

    @Override
    public synchronized void written(long offset, ByteBuffer data) {
        records.add(offset, data);
    }

    /** Every epoch gets at least one record, so a secondary without a replica of the disk refuses the first. */
    @Override
    public synchronized List<OpaqueRecord> capture(EpochId epoch) {
        List<OpaqueRecord> out = new ArrayList<>();
        for (byte[] body : records.finish()) {
            out.add(new OpaqueRecord(OpaqueRecord.Kind.DISK_WRITES, body));
        }
        return out;
    }
}
