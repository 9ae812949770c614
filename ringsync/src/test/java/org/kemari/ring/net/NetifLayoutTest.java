package org.kemari.ring.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Every netif offset, checked byte by byte against io/netif.h. */
class NetifLayoutTest {
    private final ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

    @Test
    void txRequest() {
        NetifTxRequest request = new NetifTxRequest(0x01020304, 0x0fff, Netif.TXF_MORE_DATA, 0xbeef, 0xffff);
        Netif.TX.writeRequest(page, 12, request);
        assertThat(page.getInt(12)).as("gref@0").isEqualTo(0x01020304);
        assertThat(page.getShort(16)).as("offset@4").isEqualTo((short) 0x0fff);
        assertThat(page.getShort(18)).as("flags@6").isEqualTo((short) 4);
        assertThat(page.getShort(20)).as("id@8").isEqualTo((short) 0xbeef);
        assertThat(page.getShort(22)).as("size@10").isEqualTo((short) 0xffff);
        assertThat(Netif.TX.requestSize()).isEqualTo(12);
        assertThat(Netif.TX.readRequest(page, 12)).isEqualTo(request);
    }

    @Test
    void txResponse() {
        Netif.TX.writeResponse(page, 0, new NetifTxResponse(0xfffe, Netif.RSP_ERROR));
        assertThat(page.getShort(0)).as("id@0").isEqualTo((short) 0xfffe);
        assertThat(page.getShort(2)).as("status@2").isEqualTo((short) -1);
        assertThat(Netif.TX.responseSize()).isEqualTo(4);
        assertThat(Netif.TX.readResponse(page, 0)).isEqualTo(new NetifTxResponse(0xfffe, Netif.RSP_ERROR));
    }

    @Test
    void rxRequest() {
        Netif.RX.writeRequest(page, 8, new NetifRxRequest(0x8001, 0x0a0b0c0d));
        assertThat(page.getShort(8)).as("id@0").isEqualTo((short) 0x8001);
        assertThat(page.getInt(12)).as("gref@4").isEqualTo(0x0a0b0c0d);
        assertThat(Netif.RX.requestSize()).isEqualTo(8);
        assertThat(Netif.RX.readRequest(page, 8)).isEqualTo(new NetifRxRequest(0x8001, 0x0a0b0c0d));
    }

    @Test
    void rxResponse() {
        NetifRxResponse response = new NetifRxResponse(0x8001, 0x0102, Netif.RXF_MORE_DATA, 1514);
        Netif.RX.writeResponse(page, 0, response);
        assertThat(page.getShort(0)).as("id@0").isEqualTo((short) 0x8001);
        assertThat(page.getShort(2)).as("offset@2").isEqualTo((short) 0x0102);
        assertThat(page.getShort(4)).as("flags@4").isEqualTo((short) 4);
        assertThat(page.getShort(6)).as("status@6").isEqualTo((short) 1514);
        assertThat(Netif.RX.responseSize()).isEqualTo(8);
        assertThat(Netif.RX.readResponse(page, 0)).isEqualTo(response);
    }

    @Test
    void constantsAreXens() {
        assertThat(new int[] {Netif.TXF_CSUM_BLANK, Netif.TXF_DATA_VALIDATED, Netif.TXF_MORE_DATA,
                Netif.TXF_EXTRA_INFO}).containsExactly(1, 2, 4, 8);
        assertThat(new int[] {Netif.RXF_DATA_VALIDATED, Netif.RXF_CSUM_BLANK, Netif.RXF_MORE_DATA,
                Netif.RXF_EXTRA_INFO, Netif.RXF_GSO_PREFIX}).containsExactly(1, 2, 4, 8, 16);
        assertThat(new int[] {Netif.RSP_DROPPED, Netif.RSP_ERROR, Netif.RSP_OKAY, Netif.RSP_NULL})
                .containsExactly(-2, -1, 0, 1);
    }
}
