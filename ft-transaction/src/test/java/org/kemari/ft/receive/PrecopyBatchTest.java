package org.kemari.ft.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kemari.ft.compress.Arena;
import org.kemari.ft.compress.LastSentCache;
import org.kemari.ft.compress.PageEncoder;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.PageBatchBuilder;
import org.kemari.ft.wire.RecordReader;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.RecordWriter;
import org.kemari.ft.wire.Role;
import org.kemari.ft.wire.StreamHeader;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DomainType;

/**
 * Regression: a pre-copy batch mixing XOR-delta pages with others once had its pages written
 * to the pfns of its delta bases (the base lookup reused the batch's pfn array), scrambling the
 * replica before the first epoch. Found by `kemari demo` with lz4-delta: a block-data page
 * landed on the replica's transmit ring.
 */
class PrecopyBatchTest {

    private static ByteBuffer filled(int b) {
        byte[] page = new byte[Wire.PAGE_SIZE];
        Arrays.fill(page, (byte) b);
        return ByteBuffer.wrap(page);
    }

    @Test
    void everyPageOfAMixedPrecopyBatchLandsAtItsOwnPfn() throws Exception {
        StreamHeader h = new StreamHeader(Role.PRIMARY, Features.ALL, DomainType.PV, 1, 16, 15, 8388608);
        LastSentCache cache = new LastSentCache(16);
        cache.put(2, filled(0x11));
        PageEncoder encoder = new PageEncoder(Features.ALL, cache);
        PageBatchBuilder batch = new PageBatchBuilder();
        Arena arena = new Arena(1 << 16);
        encoder.encode(5, filled(0x55), batch, arena);
        encoder.encode(2, filled(0x22), batch, arena);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<ByteBuffer> records = new ArrayList<>(List.of(h.encode()));
        new RecordWriter().append(records, RecordType.PAGE_BATCH, batch.body());
        for (ByteBuffer b : records) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            bytes.writeBytes(a);
        }
        ReadableByteChannel ch = Channels.newChannel(new ByteArrayInputStream(bytes.toByteArray()));
        StreamHeader read = StreamHeader.decode(RecordReader.readHeader(ch), Role.PRIMARY);
        MemoryReplica replica = new MemoryReplica(read.maxGpfn() + 1);
        replica.fill((byte) 0x11);
        EpochAssembler a = new EpochAssembler(read, Features.ALL, replica);
        a.accept(new RecordReader(ch, StreamHeader.SIZE, 1 << 20).next());

        assertThat(replica.page(5)).as("the plain page").containsOnly(0x55);
        assertThat(replica.page(2)).as("the delta page").containsOnly(0x22);
        assertThat(replica.page(3)).as("untouched").containsOnly(0x11);
    }
}
