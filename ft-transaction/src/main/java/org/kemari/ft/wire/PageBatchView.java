package org.kemari.ft.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A checked, read-only view of a PAGE_BATCH body; valid as long as the record's body is. */
public final class PageBatchView {
    private final Record record;
    private final int count;
    private final int[] dataOffsets;

    private PageBatchView(Record record, int count, int[] dataOffsets) {
        this.record = record;
        this.count = count;
        this.dataOffsets = dataOffsets;
    }

    /**
     * Checks the entry table against the body: count, reserved fields, known encodings that were
     * accepted, pfns within the guest, per-encoding data lengths, and that the lengths add up.
     */
    public static PageBatchView parse(Record r, long maxGpfn, int features) throws StreamException {
        ByteBuffer b = r.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 8) {
            throw bad(r, "body of " + b.remaining() + " bytes has no page count");
        }
        long count = Integer.toUnsignedLong(b.getInt());
        Control.reserved(r, b.getInt());
        if (count < 1 || count > Wire.MAX_BATCH_PAGES) {
            throw bad(r, "page count " + count + " outside 1.." + Wire.MAX_BATCH_PAGES);
        }
        int n = (int) count;
        long dataStart = 8 + 16L * n;
        if (dataStart > b.limit()) {
            throw bad(r, n + " page entries do not fit a body of " + b.limit() + " bytes");
        }
        int[] offsets = new int[n + 1];
        long at = dataStart;
        for (int i = 0; i < n; i++) {
            long pfn = b.getLong();
            int code = Short.toUnsignedInt(b.getShort());
            Control.reserved(r, b.getShort());
            long length = Integer.toUnsignedLong(b.getInt());
            PageEncoding e = PageEncoding.of(code);
            String entry = "page " + i + " (pfn " + Long.toUnsignedString(pfn) + ")";
            if (pfn < 0 || pfn > maxGpfn) {
                throw bad(r, entry + " beyond the guest's max gpfn " + maxGpfn);
            }
            if (e == null) {
                throw new StreamException(ErrorCode.UNSUPPORTED, r.typeName(), r.offset(), entry + ": unknown encoding " + code);
            }
            if ((e.feature() & features) != e.feature()) {
                throw bad(r, entry + ": encoding " + e + " was not negotiated (accepted: " + Features.describe(features) + ")");
            }
            boolean lengthOk = switch (e) {
                case RAW -> length == Wire.PAGE_SIZE;
                case ZERO -> length == 0;
                case LZ4, XOR_LZ4 -> length >= 1 && length < Wire.PAGE_SIZE;
            };
            if (!lengthOk) {
                throw bad(r, entry + ": " + e + " data of " + length + " bytes");
            }
            offsets[i] = (int) at;
            at += length;
            if (at > b.limit()) {
                throw bad(r, entry + ": data runs past the body end (" + b.limit() + " bytes)");
            }
        }
        if (at != b.limit()) {
            throw bad(r, "entries account for " + at + " bytes, body has " + b.limit());
        }
        offsets[n] = (int) at;
        return new PageBatchView(r, n, offsets);
    }

    private static StreamException bad(Record r, String detail) {
        return new StreamException(ErrorCode.PROTOCOL, r.typeName(), r.offset(), detail);
    }

    public int count() {
        return count;
    }

    public long pfn(int i) {
        return record.body().getLong(8 + 16 * i);
    }

    public PageEncoding encoding(int i) {
        return PageEncoding.of(Short.toUnsignedInt(record.body().getShort(8 + 16 * i + 8)));
    }

    /** The page's encoded data as a slice of the record body. */
    public ByteBuffer data(int i) {
        return record.body().slice(dataOffsets[i], dataOffsets[i + 1] - dataOffsets[i]);
    }

}
