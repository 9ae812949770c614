package org.kemari.ring.blk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Every blkif offset, checked byte by byte against io/blkif.h's x86_64 layout. */
class BlkifLayoutTest {
    private final ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

    @Test
    void requestFieldsSitAtTheirOffsets() {
        BlkifSegment[] segments = new BlkifSegment[Blkif.MAX_SEGMENTS_PER_REQUEST];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = new BlkifSegment(0x1000 + i, i % 8, 7);
        }
        BlkifRequest request = BlkifRequest.of(Blkif.OP_WRITE, 0xCAFE, 0x1122334455667788L, 0x0102030405060708L,
                segments);
        page.put(100 + 4, (byte) 0x77); // padding must not be read back as data
        Blkif.PROTOCOL.writeRequest(page, 100, request);

        assertThat(page.get(100)).as("operation@0").isEqualTo((byte) 1);
        assertThat(page.get(101)).as("nr_segments@1").isEqualTo((byte) 11);
        assertThat(page.getShort(102)).as("handle@2").isEqualTo((short) 0xCAFE);
        assertThat(page.getLong(108)).as("id@8").isEqualTo(0x1122334455667788L);
        assertThat(page.getLong(116)).as("sector_number@16").isEqualTo(0x0102030405060708L);
        for (int i = 0; i < 11; i++) {
            int seg = 100 + 24 + 8 * i;
            assertThat(page.getInt(seg)).as("seg[%d].gref", i).isEqualTo(0x1000 + i);
            assertThat(page.get(seg + 4)).as("seg[%d].first_sect", i).isEqualTo((byte) (i % 8));
            assertThat(page.get(seg + 5)).as("seg[%d].last_sect", i).isEqualTo((byte) 7);
        }
        assertThat(24 + 11 * Blkif.SEGMENT_SIZE).isEqualTo(Blkif.REQUEST_SIZE);
        assertThat(Blkif.PROTOCOL.readRequest(page, 100)).isEqualTo(request);
    }

    @Test
    void responseFieldsSitAtTheirOffsets() {
        Blkif.PROTOCOL.writeResponse(page, 0, new BlkifResponse(-2L, Blkif.OP_FLUSH_DISKCACHE, Blkif.RSP_EOPNOTSUPP));
        assertThat(page.getLong(0)).as("id@0").isEqualTo(-2L);
        assertThat(page.get(8)).as("operation@8").isEqualTo((byte) 3);
        assertThat(page.getShort(10)).as("status@10").isEqualTo((short) -2);
        assertThat(Blkif.PROTOCOL.readResponse(page, 0))
                .isEqualTo(new BlkifResponse(-2L, Blkif.OP_FLUSH_DISKCACHE, Blkif.RSP_EOPNOTSUPP));
        assertThat(Blkif.PROTOCOL.responseSize()).isEqualTo(16);
    }

    @Test
    void constantsAreXens() {
        assertThat(new int[] {Blkif.OP_READ, Blkif.OP_WRITE, Blkif.OP_WRITE_BARRIER, Blkif.OP_FLUSH_DISKCACHE,
                Blkif.OP_RESERVED_1, Blkif.OP_DISCARD, Blkif.OP_INDIRECT}).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(new int[] {Blkif.RSP_EOPNOTSUPP, Blkif.RSP_ERROR, Blkif.RSP_OKAY}).containsExactly(-2, -1, 0);
        assertThat(Blkif.MAX_SEGMENTS_PER_REQUEST).isEqualTo(11);
    }

    @Test
    void aGuestsSegmentCountIsKeptRawAndOnlySlotSegmentsAreDecoded() {
        page.put(1, (byte) 200);
        BlkifRequest decoded = Blkif.PROTOCOL.readRequest(page, 0);
        assertThat(decoded.nrSegments()).isEqualTo(200);
        assertThat(decoded.segments()).hasSize(11);
    }

    @Test
    void unsignedFieldsDecodeUnsigned() {
        page.put(0, (byte) 0xff);
        page.putShort(2, (short) 0xffff);
        BlkifRequest decoded = Blkif.PROTOCOL.readRequest(page, 0);
        assertThat(decoded.operation()).isEqualTo(255);
        assertThat(decoded.handle()).isEqualTo(0xffff);
    }

    @Test
    void onlyReadsMayPassTheTapUnheld() {
        assertThat(BlkifRequest.of(Blkif.OP_READ, 0, 1, 0).isOutgoing()).isFalse();
        for (int op : new int[] {Blkif.OP_WRITE, Blkif.OP_WRITE_BARRIER, Blkif.OP_FLUSH_DISKCACHE, Blkif.OP_DISCARD}) {
            assertThat(BlkifRequest.of(op, 0, 1, 0).isOutgoing()).as("operation %d", op).isTrue();
        }
    }
}
