package org.kemari.ring.net;

import java.nio.ByteBuffer;
import org.kemari.ring.RingProtocol;

/**
 * The two network rings of Xen's {@code io/netif.h} (layout checked with offsetof against the
 * 4.17 headers): transmit (guest to world; 12-byte request, 4-byte response, 12-byte slot, 256
 * slots per 4 KiB page) and receive (world to guest; 8-byte request and response, 256 slots).
 * All members are u16/u32, so both slot unions are 4-byte aligned.
 */
public final class Netif {
    public static final int TXF_CSUM_BLANK = 1;
    public static final int TXF_DATA_VALIDATED = 1 << 1;
    public static final int TXF_MORE_DATA = 1 << 2;
    public static final int TXF_EXTRA_INFO = 1 << 3;

    public static final int RXF_DATA_VALIDATED = 1;
    public static final int RXF_CSUM_BLANK = 1 << 1;
    public static final int RXF_MORE_DATA = 1 << 2;
    public static final int RXF_EXTRA_INFO = 1 << 3;
    public static final int RXF_GSO_PREFIX = 1 << 4;

    public static final int RSP_DROPPED = -2;
    public static final int RSP_ERROR = -1;
    public static final int RSP_OKAY = 0;
    /** The response to an extra-info slot, which carries no packet data. */
    public static final int RSP_NULL = 1;

    public static final int TX_REQUEST_SIZE = 12;
    public static final int TX_RESPONSE_SIZE = 4;
    public static final int RX_REQUEST_SIZE = 8;
    public static final int RX_RESPONSE_SIZE = 8;

    static final int TX_GREF = 0;
    static final int TX_OFFSET = 4;
    static final int TX_FLAGS = 6;
    static final int TX_ID = 8;
    static final int TX_SIZE = 10;
    static final int TX_RSP_ID = 0;
    static final int TX_RSP_STATUS = 2;
    static final int RX_ID = 0;
    static final int RX_GREF = 4;
    static final int RX_RSP_ID = 0;
    static final int RX_RSP_OFFSET = 2;
    static final int RX_RSP_FLAGS = 4;
    static final int RX_RSP_STATUS = 6;

    public static final RingProtocol<NetifTxRequest, NetifTxResponse> TX = new TxProtocol();
    public static final RingProtocol<NetifRxRequest, NetifRxResponse> RX = new RxProtocol();

    private Netif() {
    }

    private static int u16(ByteBuffer page, int at) {
        return Short.toUnsignedInt(page.getShort(at));
    }

    private static final class TxProtocol extends RingProtocol<NetifTxRequest, NetifTxResponse> {
        TxProtocol() {
            super("netif_tx", TX_REQUEST_SIZE, TX_RESPONSE_SIZE, Integer.BYTES);
        }

        @Override
        public void writeRequest(ByteBuffer page, int offset, NetifTxRequest request) {
            page.putInt(offset + TX_GREF, request.gref());
            page.putShort(offset + TX_OFFSET, (short) request.offset());
            page.putShort(offset + TX_FLAGS, (short) request.flags());
            page.putShort(offset + TX_ID, (short) request.id());
            page.putShort(offset + TX_SIZE, (short) request.size());
        }

        @Override
        public NetifTxRequest readRequest(ByteBuffer page, int offset) {
            return new NetifTxRequest(page.getInt(offset + TX_GREF), u16(page, offset + TX_OFFSET),
                    u16(page, offset + TX_FLAGS), u16(page, offset + TX_ID), u16(page, offset + TX_SIZE));
        }

        @Override
        public void writeResponse(ByteBuffer page, int offset, NetifTxResponse response) {
            page.putShort(offset + TX_RSP_ID, (short) response.id());
            page.putShort(offset + TX_RSP_STATUS, (short) response.status());
        }

        @Override
        public NetifTxResponse readResponse(ByteBuffer page, int offset) {
            return new NetifTxResponse(u16(page, offset + TX_RSP_ID), page.getShort(offset + TX_RSP_STATUS));
        }
    }

    private static final class RxProtocol extends RingProtocol<NetifRxRequest, NetifRxResponse> {
        RxProtocol() {
            super("netif_rx", RX_REQUEST_SIZE, RX_RESPONSE_SIZE, Integer.BYTES);
        }

        @Override
        public void writeRequest(ByteBuffer page, int offset, NetifRxRequest request) {
            page.putShort(offset + RX_ID, (short) request.id());
            page.putInt(offset + RX_GREF, request.gref());
        }

        @Override
        public NetifRxRequest readRequest(ByteBuffer page, int offset) {
            return new NetifRxRequest(u16(page, offset + RX_ID), page.getInt(offset + RX_GREF));
        }

        @Override
        public void writeResponse(ByteBuffer page, int offset, NetifRxResponse response) {
            page.putShort(offset + RX_RSP_ID, (short) response.id());
            page.putShort(offset + RX_RSP_OFFSET, (short) response.offset());
            page.putShort(offset + RX_RSP_FLAGS, (short) response.flags());
            page.putShort(offset + RX_RSP_STATUS, (short) response.status());
        }

        @Override
        public NetifRxResponse readResponse(ByteBuffer page, int offset) {
            return new NetifRxResponse(u16(page, offset + RX_RSP_ID), u16(page, offset + RX_RSP_OFFSET),
                    u16(page, offset + RX_RSP_FLAGS), page.getShort(offset + RX_RSP_STATUS));
        }
    }
}
