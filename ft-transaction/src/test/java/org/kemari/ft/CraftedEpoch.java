package org.kemari.ft;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.kemari.ft.wire.Control;
import org.kemari.ft.wire.PageBatchBuilder;
import org.kemari.ft.wire.PageEncoding;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.RecordWriter;
import org.kemari.ft.wire.Wire;

/**
 * Builds epochs record by record, the way an independent implementation of the spec would, so
 * tests can send valid ones and then damage them precisely. {@link #offsets()} says where each
 * record starts, relative to the epoch's first byte.
 */
final class CraftedEpoch {
    private final RecordWriter writer = new RecordWriter();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Integer> offsets = new ArrayList<>();
    private final CRC32C digest = new CRC32C();
    private int records = -1;

    CraftedEpoch begin(long epoch, long pages) {
        return add(RecordType.EPOCH_BEGIN.code(), new Control.EpochBegin(epoch, pages).encode());
    }

    /** Raw pages {@code firstPfn..}, taken from {@code memory} (whole guest image). */
    CraftedEpoch rawPages(byte[] memory, long firstPfn, int count) {
        PageBatchBuilder b = new PageBatchBuilder();
        for (int i = 0; i < count; i++) {
            long pfn = firstPfn + i;
            b.add(pfn, PageEncoding.RAW, ByteBuffer.wrap(memory, (int) pfn * Wire.PAGE_SIZE, Wire.PAGE_SIZE));
        }
        return add(RecordType.PAGE_BATCH.code(), b.body());
    }

    /** HVM context and physmap, every vcpu context and the grant table of {@code state}. */
    CraftedEpoch contexts(GuestState state) {
        add(RecordType.HVM_CONTEXT.code(), ByteBuffer.wrap(state.hvm()));
        add(RecordType.PHYSMAP.code(), new Control.Physmap(state.sharedInfo()).encode());
        for (int v = 0; v < state.vcpus().length; v++) {
            add(RecordType.VCPU_CONTEXT.code(), new Control.Vcpu(v, state.vcpus()[v]).encode());
        }
        return add(RecordType.GRANT_TABLE.code(), ByteBuffer.wrap(state.grants()));
    }

    CraftedEpoch add(int code, ByteBuffer... body) {
        List<ByteBuffer> bufs = new ArrayList<>();
        int crc = writer.append(bufs, code, body);
        digest.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, crc));
        records++;
        emit(bufs);
        return this;
    }

    /** A correct commit for what was added. */
    CraftedEpoch commit(long epoch) {
        return commit(epoch, records);
    }

    CraftedEpoch commit(long epoch, int claimedRecords) {
        List<ByteBuffer> bufs = new ArrayList<>();
        writer.append(bufs, RecordType.EPOCH_COMMIT,
                new Control.EpochCommit(epoch, claimedRecords, (int) digest.getValue()).encode());
        emit(bufs);
        return this;
    }

    private void emit(List<ByteBuffer> bufs) {
        offsets.add(out.size());
        for (ByteBuffer b : bufs) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    List<Integer> offsets() {
        return offsets;
    }
}
