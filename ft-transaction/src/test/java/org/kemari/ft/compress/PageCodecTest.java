package org.kemari.ft.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.PageBatchBuilder;
import org.kemari.ft.wire.PageEncoding;
import org.kemari.ft.wire.Wire;

class PageCodecTest {
    private final Random random = new Random(42);
    private final Arena arena = new Arena(1 << 20);
    private final PageDecoder decoder = new PageDecoder();

    private ByteBuffer randomPage() {
        byte[] b = new byte[Wire.PAGE_SIZE];
        random.nextBytes(b);
        return ByteBuffer.allocateDirect(Wire.PAGE_SIZE).put(b).flip();
    }

    private ByteBuffer textPage() {
        ByteBuffer b = ByteBuffer.allocateDirect(Wire.PAGE_SIZE);
        while (b.hasRemaining()) {
            b.put((byte) ('a' + b.position() % 7));
        }
        return b.flip();
    }

    /** Encodes one page and decodes it against {@code base}; returns the encoding used. */
    private PageEncoding roundTrip(PageEncoder enc, long pfn, ByteBuffer page, ByteBuffer base) {
        PageBatchBuilder batch = new PageBatchBuilder();
        enc.encode(pfn, page, batch, arena);
        ByteBuffer entries = batch.body()[0].order(java.nio.ByteOrder.LITTLE_ENDIAN);
        PageEncoding e = PageEncoding.of(entries.getShort(16));
        int len = entries.getInt(20);
        ByteBuffer data = len == 0 ? ByteBuffer.allocate(0) : batch.body()[1];
        ByteBuffer out = ByteBuffer.allocateDirect(Wire.PAGE_SIZE);
        assertThat(decoder.decode(e, data, base, out)).isNull();
        assertThat(out.mismatch(page)).isEqualTo(-1);
        return e;
    }

    @Test
    void eachEncodingRoundTripsAndIsChosenWhenItPays() {
        PageEncoder enc = new PageEncoder(Features.ALL, new LastSentCache(16));
        assertThat(roundTrip(enc, 1, ByteBuffer.allocateDirect(Wire.PAGE_SIZE), null)).isEqualTo(PageEncoding.ZERO);
        assertThat(roundTrip(enc, 2, randomPage(), null)).isEqualTo(PageEncoding.RAW);
        assertThat(roundTrip(enc, 3, textPage(), null)).isEqualTo(PageEncoding.LZ4);
        ByteBuffer before = randomPage();
        roundTrip(enc, 4, before, null);
        ByteBuffer after = ByteBuffer.allocateDirect(Wire.PAGE_SIZE).put(before.duplicate()).flip();
        after.putLong(128, 0x1122334455667788L);
        assertThat(roundTrip(enc, 4, after, before)).isEqualTo(PageEncoding.XOR_LZ4);
        assertThat(enc.stats().totalPages()).isEqualTo(5);
    }

    @Test
    void withoutFeaturesEverythingIsRaw() {
        PageEncoder enc = new PageEncoder(Features.NONE, new LastSentCache(0));
        assertThat(roundTrip(enc, 1, ByteBuffer.allocateDirect(Wire.PAGE_SIZE), null)).isEqualTo(PageEncoding.RAW);
        assertThat(roundTrip(enc, 2, textPage(), null)).isEqualTo(PageEncoding.RAW);
    }

    @Test
    void cacheIsBoundedAndEvictsLeastRecentlySent() {
        LastSentCache cache = new LastSentCache(2);
        cache.put(1, randomPage());
        cache.put(2, randomPage());
        cache.get(1);
        cache.put(3, randomPage());
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get(2)).isNull();
        assertThat(cache.get(1)).isNotNull();
        assertThat(cache.get(3)).isNotNull();
    }

    @Test
    void corruptLz4IsReportedNotThrown() {
        ByteBuffer out = ByteBuffer.allocateDirect(Wire.PAGE_SIZE);
        String problem = decoder.decode(PageEncoding.LZ4, ByteBuffer.wrap(new byte[] {(byte) 0xf0, 1, 2, 3}), null, out);
        assertThat(problem).startsWith("corrupt LZ4 block");
        ByteBuffer small = ByteBuffer.allocate(16);
        int n = net.jpountz.lz4.LZ4Factory.safeInstance().fastCompressor()
                .compress(ByteBuffer.allocate(100), 0, 100, small.limit(16), 0, 16);
        assertThat(decoder.decode(PageEncoding.LZ4, small.position(0).limit(n), null, out))
                .isEqualTo("LZ4 block inflates to 100 bytes, not a page");
    }
}
