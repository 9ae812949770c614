package org.kemari.ft.compress;

import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.kemari.ft.wire.PageEncoding;
import org.kemari.ft.wire.Wire;

/**
 * Turns one encoded page back into its 4096 bytes. Uses only LZ4's safe decompressor, which
 * bounds-checks every read and write: the input comes from the network.
 */
public final class PageDecoder {
    private final LZ4SafeDecompressor lz4 = LZ4Factory.safeInstance().safeDecompressor();

    /**
     * Decodes into the 4096 bytes at {@code out}'s position (position unchanged).
     *
     * @param base the receiver's current copy of the page; read only for XOR_LZ4
     * @return null on success, else what is wrong with the data
     */
    public String decode(PageEncoding encoding, ByteBuffer data, ByteBuffer base, ByteBuffer out) {
        int at = out.position();
        switch (encoding) {
            case RAW -> out.put(at, data, data.position(), Wire.PAGE_SIZE);
            case ZERO -> out.put(at, ZeroPage.BYTES, 0, Wire.PAGE_SIZE);
            case LZ4, XOR_LZ4 -> {
                String problem = inflate(data, out, at);
                if (problem != null) {
                    return problem;
                }
                if (encoding == PageEncoding.XOR_LZ4) {
                    for (int i = 0; i < Wire.PAGE_SIZE; i += 8) {
                        out.putLong(at + i, out.getLong(at + i) ^ base.getLong(base.position() + i));
                    }
                }
            }
        }
        return null;
    }

    private String inflate(ByteBuffer data, ByteBuffer out, int at) {
        try {
            int n = lz4.decompress(data, data.position(), data.remaining(), out, at, Wire.PAGE_SIZE);
            return n == Wire.PAGE_SIZE ? null : "LZ4 block inflates to " + n + " bytes, not a page";
        } catch (LZ4Exception e) {
            return "corrupt LZ4 block (" + e.getMessage() + ")";
        }
    }

    private static final class ZeroPage {
        static final byte[] BYTES = new byte[Wire.PAGE_SIZE];
    }
}
