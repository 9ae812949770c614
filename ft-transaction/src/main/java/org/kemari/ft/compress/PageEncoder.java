package org.kemari.ft.compress;

import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.PageBatchBuilder;
import org.kemari.ft.wire.PageEncoding;
import org.kemari.ft.wire.Wire;

/**
 * Chooses each page's encoding among those negotiated: zero flag, XOR-delta against the last
 * sent copy then LZ4, plain LZ4, else raw. Raw pages are not copied (their buffer goes into
 * the gathering write); compressed output goes to the caller's arena. Not thread-safe: one per
 * sending thread, and pages must be encoded in stream order, since the delta base is the copy
 * the secondary will hold.
 */
public final class PageEncoder {
    private static final ByteBuffer ZERO_PAGE = ByteBuffer.allocateDirect(Wire.PAGE_SIZE);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final int features;
    private final LastSentCache cache;
    private final LZ4Compressor lz4 = LZ4Factory.safeInstance().fastCompressor();
    private final int maxCompressed = lz4.maxCompressedLength(Wire.PAGE_SIZE);
    private final ByteBuffer xor = ByteBuffer.allocateDirect(Wire.PAGE_SIZE);
    private final EncodingStats stats = new EncodingStats();

    /**
     * @param features the accepted features of the stream
     * @param cache    where the last sent copies are kept; used only with {@link Features#XOR_DELTA}
     */
    public PageEncoder(int features, LastSentCache cache) {
        this.features = features;
        this.cache = cache;
    }

    /** Encodes the 4096 bytes remaining in {@code page} and adds them to {@code batch}. */
    public void encode(long pfn, ByteBuffer page, PageBatchBuilder batch, Arena arena) {
        PageEncoding e;
        ByteBuffer data;
        ByteBuffer base = has(Features.XOR_DELTA) ? cache.get(pfn) : null;
        if (has(Features.ZERO_PAGE) && page.mismatch(ZERO_PAGE) == -1) {
            e = PageEncoding.ZERO;
            data = EMPTY;
        } else if (base != null && (data = compress(xored(page, base), arena)) != null) {
            e = PageEncoding.XOR_LZ4;
        } else if (has(Features.LZ4) && (data = compress(page, arena)) != null) {
            e = PageEncoding.LZ4;
        } else {
            e = PageEncoding.RAW;
            data = page.duplicate();
        }
        if (has(Features.XOR_DELTA)) {
            cache.put(pfn, page);
        }
        stats.count(e);
        batch.add(pfn, e, data);
    }

    public EncodingStats stats() {
        return stats;
    }

    private boolean has(int feature) {
        return (features & feature) == feature;
    }

    private ByteBuffer xored(ByteBuffer page, ByteBuffer base) {
        xor.clear();
        for (int i = 0; i < Wire.PAGE_SIZE; i += 8) {
            xor.putLong(i, page.getLong(page.position() + i) ^ base.getLong(base.position() + i));
        }
        return xor;
    }

    /** The LZ4 block of {@code src} in the arena, or null if it would not be smaller than a page. */
    private ByteBuffer compress(ByteBuffer src, Arena arena) {
        ByteBuffer out = arena.reserve(maxCompressed);
        int n = lz4.compress(src, src.position(), Wire.PAGE_SIZE, out, out.position(), maxCompressed);
        return n < Wire.PAGE_SIZE ? arena.commit(out, n) : null;
    }
}
