package org.kemari.ft.receive;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.compress.PageDecoder;
import org.kemari.ft.wire.Control;
import org.kemari.ft.wire.ErrorCode;
import org.kemari.ft.wire.PageBatchView;
import org.kemari.ft.wire.PageEncoding;
import org.kemari.ft.wire.Record;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.StreamException;
import org.kemari.ft.wire.StreamHeader;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.HvmContext;
import org.kemari.xen.VcpuContext;

/**
 * The secondary's protocol state machine (docs/ft-transaction.md §6): checks that every
 * primary-to-secondary record is allowed where it stands, decodes pages into a staged epoch,
 * and declares the epoch complete only when its commit checks out. Until then the replica is
 * not touched, except by pre-copy pages before the first commit.
 */
final class EpochAssembler {
    /** What the caller does after a record. */
    enum Step { CONTINUE, COMMIT, END, HANDOVER }

    private final StreamHeader shape;
    private final int features;
    private final Replica replica;
    private final PageDecoder decoder = new PageDecoder();
    private final StagedEpoch staged = new StagedEpoch();
    private final DirtyBitmap seen;
    private final CRC32C digest = new CRC32C();
    private final ByteBuffer crcBytes = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    private final long[] batchPfns = new long[Wire.MAX_BATCH_PAGES];
    /** Separate from batchPfns: a pre-copy batch still needs its own pfn list after the bases are read. */
    private final long[] basePfns = new long[Wire.MAX_BATCH_PAGES];
    private ByteBuffer scratch;
    private ByteBuffer bases;
    private long lastCommitted;
    private boolean open;
    private int records;

    EpochAssembler(StreamHeader primary, int acceptedFeatures, Replica replica) {
        this.shape = primary;
        this.features = acceptedFeatures;
        this.replica = replica;
        this.seen = new DirtyBitmap(primary.maxGpfn() + 1);
    }

    long lastCommitted() {
        return lastCommitted;
    }

    boolean inEpoch() {
        return open;
    }

    long openEpoch() {
        return staged.epoch;
    }

    StagedEpoch staged() {
        return staged;
    }

    /** Places an error found in the record that follows the ones accepted so far. */
    StreamException locate(StreamException e) {
        return open ? e.inEpoch(staged.epoch, records + 1L) : e;
    }

    Step accept(Record r) throws StreamException {
        long index = records + 1L;
        try {
            return open ? inside(r) : outside(r);
        } catch (StreamException e) {
            throw open ? e.inEpoch(staged.epoch, index) : e;
        }
    }

    /** Marks the staged epoch as applied to the replica. */
    void committed() {
        lastCommitted = staged.epoch;
        open = false;
    }

    /** Forgets a partial epoch; the replica is still at {@link #lastCommitted()}. */
    void discard() {
        open = false;
    }

    private Step outside(Record r) throws StreamException {
        RecordType t = r.type();
        if (t == null || t == RecordType.HEARTBEAT) {
            return Step.CONTINUE;
        }
        switch (t) {
            case END:
                return Step.END;
            case HANDOVER:
                if (lastCommitted == 0) {
                    throw protocol(r, "a handover before any epoch was committed: there is no replica to hand over");
                }
                return Step.HANDOVER;
            case EPOCH_BEGIN:
                begin(r, Control.EpochBegin.decode(r));
                return Step.CONTINUE;
            case PAGE_BATCH:
                if (lastCommitted > 0) {
                    throw protocol(r, "pre-copy pages after epoch " + lastCommitted + " was committed");
                }
                precopy(r);
                return Step.CONTINUE;
            default:
                throw protocol(r, "not allowed outside an epoch");
        }
    }

    private void begin(Record r, Control.EpochBegin b) throws StreamException {
        if (b.epoch() != lastCommitted + 1) {
            throw protocol(r, "epoch " + Long.toUnsignedString(b.epoch()) + " does not follow the last committed epoch "
                    + lastCommitted + (Long.compareUnsigned(b.epoch(), lastCommitted) <= 0 ? " (replayed)" : " (gap)"));
        }
        if (b.pages() < 0 || b.pages() > shape.maxGpfn() + 1) {
            throw new StreamException(ErrorCode.TOO_LARGE, r.typeName(), r.offset(),
                    "epoch " + b.epoch() + " announces " + Long.toUnsignedString(b.pages()) + " pages, the guest has "
                            + (shape.maxGpfn() + 1) + " frames");
        }
        staged.reset(b.epoch(), b.pages(), shape.vcpus());
        seen.clear();
        digest.reset();
        addToDigest(r);
        records = 0;
        open = true;
    }

    private Step inside(Record r) throws StreamException {
        RecordType t = r.type();
        if (t == RecordType.EPOCH_COMMIT) {
            commit(r, Control.EpochCommit.decode(r));
            return Step.COMMIT;
        }
        records++;
        addToDigest(r);
        if (t == null) {
            return Step.CONTINUE;
        }
        switch (t) {
            case PAGE_BATCH -> epochPages(r);
            case HVM_CONTEXT -> {
                if (!shape.domainType().hasHvmContext()) {
                    throw protocol(r, "HVM context for a " + shape.domainType() + " guest");
                }
                once(r, staged.hvm == null);
                staged.hvm = new HvmContext(bytes(r));
            }
            case PHYSMAP -> {
                if (!shape.domainType().hasHvmContext()) {
                    throw protocol(r, "physmap for a " + shape.domainType() + " guest");
                }
                once(r, staged.physmap == null);
                staged.physmap = Control.Physmap.decode(r);
            }
            case VCPU_CONTEXT -> {
                Control.Vcpu v = Control.Vcpu.decode(r);
                if (v.vcpu() < 0 || v.vcpu() >= shape.vcpus()) {
                    throw protocol(r, "vcpu " + Integer.toUnsignedString(v.vcpu()) + " of a guest with " + shape.vcpus());
                }
                if (staged.vcpus[v.vcpu()] != null) {
                    throw protocol(r, "second context for vcpu " + v.vcpu());
                }
                staged.vcpus[v.vcpu()] = new VcpuContext(v.vcpu(), v.context());
            }
            case GRANT_TABLE -> {
                once(r, staged.grants == null);
                if (r.length() % 8 != 0) {
                    throw protocol(r, "grant table of " + r.length() + " bytes is not whole 8-byte entries");
                }
                staged.grants = bytes(r);
            }
            case EVENT_TAP_LOG -> staged.opaque.add(new OpaqueRecord(OpaqueRecord.Kind.EVENT_TAP_LOG, bytes(r)));
            case RING_STATE -> staged.opaque.add(new OpaqueRecord(OpaqueRecord.Kind.RING_STATE, bytes(r)));
            case HVM_PLATFORM -> staged.opaque.add(new OpaqueRecord(OpaqueRecord.Kind.HVM_PLATFORM, bytes(r)));
            case DISK_WRITES -> staged.opaque.add(new OpaqueRecord(OpaqueRecord.Kind.DISK_WRITES, bytes(r)));
            case DEVICE_SET -> staged.opaque.add(new OpaqueRecord(OpaqueRecord.Kind.DEVICE_SET, bytes(r)));
            case NET_OUTPUT -> staged.opaque.add(new OpaqueRecord(OpaqueRecord.Kind.NET_OUTPUT, bytes(r)));
            default -> throw protocol(r, "not allowed inside an epoch");
        }
        return Step.CONTINUE;
    }

    private void commit(Record r, Control.EpochCommit c) throws StreamException {
        long epoch = staged.epoch;
        if (c.epoch() != epoch) {
            throw protocol(r, "commit names epoch " + Long.toUnsignedString(c.epoch()) + " inside epoch " + epoch);
        }
        if (Integer.toUnsignedLong(c.records()) != records) {
            throw integrity(r, "commit counts " + Integer.toUnsignedString(c.records()) + " records, "
                    + records + " arrived (torn epoch)");
        }
        if (c.digest() != (int) digest.getValue()) {
            throw integrity(r, "epoch digest mismatch (records lost, added or reordered)");
        }
        if (staged.pages.count() != staged.declaredPages) {
            throw integrity(r, "epoch announced " + staged.declaredPages + " pages, " + staged.pages.count() + " arrived");
        }
        if (staged.grants == null) {
            throw protocol(r, "epoch has no grant table");
        }
        for (int v = 0; v < staged.vcpus.length; v++) {
            if (staged.vcpus[v] == null) {
                throw protocol(r, "epoch has no context for vcpu " + v);
            }
        }
        if (shape.domainType().hasHvmContext() && (staged.hvm == null || staged.physmap == null)) {
            throw protocol(r, "epoch of a " + shape.domainType() + " guest has no "
                    + (staged.hvm == null ? "HVM context" : "physmap"));
        }
    }

    private void epochPages(Record r) throws StreamException {
        PageBatchView batch = PageBatchView.parse(r, shape.maxGpfn(), features);
        if (staged.pages.count() + batch.count() > staged.declaredPages) {
            throw integrity(r, "more pages than the " + staged.declaredPages + " the epoch announced");
        }
        for (int i = 0; i < batch.count(); i++) {
            long pfn = batch.pfn(i);
            if (seen.get(pfn)) {
                throw protocol(r, "page " + i + ": pfn " + pfn + " appears twice in the epoch");
            }
            seen.set(pfn);
        }
        ByteBuffer base = readBases(batch);
        for (int i = 0; i < batch.count(); i++) {
            ByteBuffer out = staged.pages.reserve();
            decode(r, batch, i, base, out);
            staged.pages.add(batch.pfn(i), out);
        }
    }

    private void precopy(Record r) throws StreamException {
        PageBatchView batch = PageBatchView.parse(r, shape.maxGpfn(), features);
        int n = batch.count();
        for (int i = 0; i < n; i++) {
            batchPfns[i] = batch.pfn(i);
        }
        long[] sorted = Arrays.copyOf(batchPfns, n);
        Arrays.sort(sorted);
        for (int i = 1; i < n; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw protocol(r, "pfn " + sorted[i] + " appears twice in one batch");
            }
        }
        ByteBuffer base = readBases(batch);
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(Wire.MAX_BATCH_PAGES * Wire.PAGE_SIZE);
        }
        for (int i = 0; i < n; i++) {
            decode(r, batch, i, base, scratch.position(i * Wire.PAGE_SIZE));
        }
        replica.write(batchPfns, n, scratch.position(0));
    }

    /** The replica's copy of every XOR-encoded page of the batch, as the delta bases, in entry order. */
    private ByteBuffer readBases(PageBatchView batch) {
        int n = 0;
        for (int i = 0; i < batch.count(); i++) {
            if (batch.encoding(i) == PageEncoding.XOR_LZ4) {
                basePfns[n++] = batch.pfn(i);
            }
        }
        if (n == 0) {
            return null;
        }
        if (bases == null) {
            bases = ByteBuffer.allocateDirect(Wire.MAX_BATCH_PAGES * Wire.PAGE_SIZE);
        }
        replica.read(basePfns, n, bases.clear());
        return bases.position(0);
    }

    private void decode(Record r, PageBatchView batch, int i, ByteBuffer bases, ByteBuffer out) throws StreamException {
        PageEncoding e = batch.encoding(i);
        ByteBuffer base = null;
        if (e == PageEncoding.XOR_LZ4) {
            base = bases.slice(bases.position(), Wire.PAGE_SIZE);
            bases.position(bases.position() + Wire.PAGE_SIZE);
        }
        String problem = decoder.decode(e, batch.data(i), base, out);
        if (problem != null) {
            throw new StreamException(ErrorCode.INTEGRITY, r.typeName(), r.offset(),
                    "page " + i + " (pfn " + batch.pfn(i) + "): " + problem);
        }
    }

    private void addToDigest(Record r) {
        digest.update(crcBytes.clear().putInt(r.crc()).flip());
    }

    private static void once(Record r, boolean first) throws StreamException {
        if (!first) {
            throw protocol(r, "second " + r.typeName() + " record in the epoch");
        }
    }

    private static byte[] bytes(Record r) {
        byte[] b = new byte[r.length()];
        r.body().duplicate().get(b);
        return b;
    }

    private static StreamException protocol(Record r, String detail) {
        return new StreamException(ErrorCode.PROTOCOL, r.typeName(), r.offset(), detail);
    }

    private static StreamException integrity(Record r, String detail) {
        return new StreamException(ErrorCode.INTEGRITY, r.typeName(), r.offset(), detail);
    }
}
