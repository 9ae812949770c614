package org.kemari.ft.send;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.compress.Arena;
import org.kemari.ft.compress.EncodingStats;
import org.kemari.ft.compress.PageEncoder;
import org.kemari.ft.compress.PageStore;
import org.kemari.ft.wire.Control;
import org.kemari.ft.wire.PageBatchBuilder;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.RecordWriter;
import org.kemari.xen.VcpuContext;

/**
 * Lays out epochs and pre-copy rounds as records for one gathering write. Pages are encoded in
 * stream order (the delta cache must follow what the secondary holds), so there is one encoder
 * per stream, used by one thread at a time.
 */
final class EpochEncoder {
    private final PageEncoder pages;
    private final RecordWriter writer = new RecordWriter();
    private final PageBatchBuilder batch = new PageBatchBuilder();
    private final Arena compressed = new Arena(1024 * 1024);
    private final CRC32C digest = new CRC32C();
    private final ByteBuffer crcBytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private int records;

    EpochEncoder(PageEncoder pages) {
        this.pages = pages;
    }

    EncodingStats stats() {
        return pages.stats();
    }

    /** Frees the compressed data of the previous layout; call once it was written. */
    void recycle() {
        compressed.reset();
    }

    /** The records of a whole epoch, BEGIN to COMMIT. */
    List<ByteBuffer> epoch(CapturedEpoch e) {
        List<ByteBuffer> out = new ArrayList<>();
        digest.reset();
        records = -1;
        add(out, RecordType.EPOCH_BEGIN, new Control.EpochBegin(e.epoch, e.pages.count()).encode());
        pageBatches(out, e.pages);
        if (e.hvm != null) {
            add(out, RecordType.HVM_CONTEXT, ByteBuffer.wrap(e.hvm));
            add(out, RecordType.PHYSMAP, new Control.Physmap(e.sharedInfo).encode());
        }
        for (VcpuContext v : e.vcpus) {
            add(out, RecordType.VCPU_CONTEXT, new Control.Vcpu(v.vcpu(), v.bytes()).encode());
        }
        add(out, RecordType.GRANT_TABLE, ByteBuffer.wrap(e.grants));
        for (OpaqueRecord o : e.opaque) {
            add(out, o.kind().recordType(), ByteBuffer.wrap(o.payload()));
        }
        writer.append(out, RecordType.EPOCH_COMMIT, new Control.EpochCommit(e.epoch, records, (int) digest.getValue()).encode());
        return out;
    }

    /** Pre-copy: page records outside any epoch. */
    List<ByteBuffer> precopy(PageStore set) {
        List<ByteBuffer> out = new ArrayList<>();
        pageBatches(out, set);
        return out;
    }

    private void pageBatches(List<ByteBuffer> out, PageStore copied) {
        for (int i = 0; i < copied.count(); i++) {
            pages.encode(copied.pfn(i), copied.page(i), batch, compressed);
            if (batch.full()) {
                flushBatch(out);
            }
        }
        if (!batch.isEmpty()) {
            flushBatch(out);
        }
    }

    private void flushBatch(List<ByteBuffer> out) {
        add(out, RecordType.PAGE_BATCH, batch.body());
        batch.clear();
    }

    private void add(List<ByteBuffer> out, RecordType type, ByteBuffer... body) {
        int crc = writer.append(out, type, body);
        digest.update(crcBytes.clear().putInt(crc).flip());
        records++;
    }
}
