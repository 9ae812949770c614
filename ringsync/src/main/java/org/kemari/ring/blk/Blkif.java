package org.kemari.ring.blk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kemari.ring.RingProtocol;
import org.kemari.xen.ForeignMapping;

/**
 * The block-device ring of Xen's {@code io/blkif.h}, x86_64 layout (checked with offsetof against
 * the 4.17 headers): request 112 bytes (operation u8@0, nr_segments u8@1, handle u16@2, 4 bytes
 * of padding, id u64@8, sector_number u64@16, seg[11]@24 of 8 bytes), response 16 bytes, slot
 * 112 bytes, 32 slots in one 4 KiB page.
 */
public final class Blkif extends RingProtocol<BlkifRequest, BlkifResponse> {
    public static final int OP_READ = 0;
    public static final int OP_WRITE = 1;
    public static final int OP_WRITE_BARRIER = 2;
    public static final int OP_FLUSH_DISKCACHE = 3;
    public static final int OP_RESERVED_1 = 4;
    public static final int OP_DISCARD = 5;
    public static final int OP_INDIRECT = 6;

    public static final int RSP_EOPNOTSUPP = -2;
    public static final int RSP_ERROR = -1;
    public static final int RSP_OKAY = 0;

    public static final int MAX_SEGMENTS_PER_REQUEST = 11;
    /** Sector unit of sector_number, first_sect and last_sect (no feature-large-sector-size). */
    public static final int SECTOR_SIZE = 512;
    public static final int SECTORS_PER_FRAME = ForeignMapping.PAGE_SIZE / SECTOR_SIZE;

    public static final int REQUEST_SIZE = 112;
    public static final int RESPONSE_SIZE = 16;
    public static final int SEGMENT_SIZE = 8;

    static final int REQ_OPERATION = 0;
    static final int REQ_NR_SEGMENTS = 1;
    static final int REQ_HANDLE = 2;
    static final int REQ_ID = 8;
    static final int REQ_SECTOR_NUMBER = 16;
    static final int REQ_SEG = 24;
    static final int SEG_GREF = 0;
    static final int SEG_FIRST_SECT = 4;
    static final int SEG_LAST_SECT = 5;
    static final int RSP_ID = 0;
    static final int RSP_OPERATION = 8;
    static final int RSP_STATUS = 10;

    /** The one instance; the codec has no state. */
    public static final Blkif PROTOCOL = new Blkif();

    private Blkif() {
        super("blkif", REQUEST_SIZE, RESPONSE_SIZE, Long.BYTES);
    }

    @Override
    public void writeRequest(ByteBuffer page, int offset, BlkifRequest request) {
        page.put(offset + REQ_OPERATION, (byte) request.operation());
        page.put(offset + REQ_NR_SEGMENTS, (byte) request.nrSegments());
        page.putShort(offset + REQ_HANDLE, (short) request.handle());
        page.putLong(offset + REQ_ID, request.id());
        page.putLong(offset + REQ_SECTOR_NUMBER, request.sectorNumber());
        List<BlkifSegment> segments = request.segments();
        for (int i = 0; i < segments.size(); i++) {
            int at = offset + REQ_SEG + i * SEGMENT_SIZE;
            BlkifSegment s = segments.get(i);
            page.putInt(at + SEG_GREF, s.gref());
            page.put(at + SEG_FIRST_SECT, (byte) s.firstSect());
            page.put(at + SEG_LAST_SECT, (byte) s.lastSect());
        }
    }

    @Override
    public BlkifRequest readRequest(ByteBuffer page, int offset) {
        int nr = Byte.toUnsignedInt(page.get(offset + REQ_NR_SEGMENTS));
        List<BlkifSegment> segments = new ArrayList<>();
        for (int i = 0; i < Math.min(nr, MAX_SEGMENTS_PER_REQUEST); i++) {
            int at = offset + REQ_SEG + i * SEGMENT_SIZE;
            segments.add(new BlkifSegment(page.getInt(at + SEG_GREF),
                    Byte.toUnsignedInt(page.get(at + SEG_FIRST_SECT)),
                    Byte.toUnsignedInt(page.get(at + SEG_LAST_SECT))));
        }
        return new BlkifRequest(Byte.toUnsignedInt(page.get(offset + REQ_OPERATION)), nr,
                Short.toUnsignedInt(page.getShort(offset + REQ_HANDLE)),
                page.getLong(offset + REQ_ID), page.getLong(offset + REQ_SECTOR_NUMBER), segments);
    }

    @Override
    public void writeResponse(ByteBuffer page, int offset, BlkifResponse response) {
        page.putLong(offset + RSP_ID, response.id());
        page.put(offset + RSP_OPERATION, (byte) response.operation());
        page.putShort(offset + RSP_STATUS, (short) response.status());
    }

    @Override
    public BlkifResponse readResponse(ByteBuffer page, int offset) {
        return new BlkifResponse(page.getLong(offset + RSP_ID),
                Byte.toUnsignedInt(page.get(offset + RSP_OPERATION)), page.getShort(offset + RSP_STATUS));
    }
}
