package org.kemari.ft.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects up to {@link Wire#MAX_BATCH_PAGES} encoded pages into one PAGE_BATCH body. The page
 * data buffers are referenced, not copied, so the record can be written with one gathering write.
 */
public final class PageBatchBuilder {
    private final long[] pfns = new long[Wire.MAX_BATCH_PAGES];
    private final PageEncoding[] encodings = new PageEncoding[Wire.MAX_BATCH_PAGES];
    private final ByteBuffer[] data = new ByteBuffer[Wire.MAX_BATCH_PAGES];
    private int count;

    public void add(long pfn, PageEncoding encoding, ByteBuffer pageData) {
        if (full()) {
            throw new IllegalStateException("page batch already holds " + count + " pages");
        }
        pfns[count] = pfn;
        encodings[count] = encoding;
        data[count++] = pageData;
    }

    public boolean full() {
        return count == Wire.MAX_BATCH_PAGES;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public int count() {
        return count;
    }

    /** The body: the entry table, then every non-empty page's data. */
    public ByteBuffer[] body() {
        ByteBuffer entries = Control.le(8 + 16 * count).putInt(count).putInt(0);
        int parts = 1;
        ByteBuffer[] out = new ByteBuffer[count + 1];
        for (int i = 0; i < count; i++) {
            entries.putLong(pfns[i]).putShort((short) encodings[i].code()).putShort((short) 0)
                    .putInt(data[i].remaining());
            if (data[i].hasRemaining()) {
                out[parts++] = data[i];
            }
        }
        out[0] = entries.flip();
        return parts == out.length ? out : Arrays.copyOf(out, parts);
    }

    public void clear() {
        Arrays.fill(data, 0, count, null);
        count = 0;
    }
}
