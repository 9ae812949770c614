package org.kemari.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;
import org.kemari.ring.net.Netif;
import org.junit.jupiter.api.Test;

/** The sring header and slot geometry of io/ring.h, as gcc lays them out for x86_64 Xen 4.17. */
class RingLayoutTest {

    @Test
    void slotSizesAreThoseOfTheCUnions() {
        assertThat(Blkif.PROTOCOL.slotSize()).isEqualTo(112);
        assertThat(Netif.TX.slotSize()).isEqualTo(12);
        assertThat(Netif.RX.slotSize()).isEqualTo(8);
    }

    @Test
    void slotCountIsTheLargestPowerOfTwoThatFits() {
        assertThat(Blkif.PROTOCOL.slots(4096)).isEqualTo(32); // 4032 / 112 = 36 -> 32
        assertThat(Netif.TX.slots(4096)).isEqualTo(256);      // 4032 / 12 = 336 -> 256
        assertThat(Netif.RX.slots(4096)).isEqualTo(256);      // 4032 / 8 = 504 -> 256
        assertThat(Blkif.PROTOCOL.slots(8192)).isEqualTo(64); // ring-page-order 1
        assertThat(Blkif.PROTOCOL.slots(64 + 112)).isEqualTo(1);
    }

    @Test
    void tooSmallForOneSlotIsRefused() {
        assertThatThrownBy(() -> Blkif.PROTOCOL.slots(64 + 111))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blkif ring: 175 bytes cannot hold the 64-byte header and one 112-byte slot");
    }

    @Test
    void headerFieldsSitAtTheirOffsetsLittleEndian() {
        ByteBuffer page = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 64; i++) {
            page.put(i, (byte) 0x5a);
        }
        SharedRing<BlkifRequest, BlkifResponse> ring = new SharedRing<>(page, Blkif.PROTOCOL);
        ring.init();
        assertThat(page.getInt(0)).as("req_prod").isZero();
        assertThat(page.getInt(4)).as("req_event").isEqualTo(1);
        assertThat(page.getInt(8)).as("rsp_prod").isZero();
        assertThat(page.getInt(12)).as("rsp_event").isEqualTo(1);
        for (int i = 16; i < 64; i++) {
            assertThat(page.get(i)).as("pvt/__pad byte %d", i).isZero();
        }
        ring.setRequestProducer(0x01020304);
        ring.setRequestEvent(0x05060708);
        ring.setResponseProducer(0x090a0b0c);
        ring.setResponseEvent(0x0d0e0f10);
        assertThat(page.get(0)).isEqualTo((byte) 0x04);
        assertThat(page.get(3)).isEqualTo((byte) 0x01);
        assertThat(page.getInt(4)).isEqualTo(0x05060708);
        assertThat(page.getInt(8)).isEqualTo(0x090a0b0c);
        assertThat(page.getInt(12)).isEqualTo(0x0d0e0f10);
    }

    @Test
    void slotsStartAtSixtyFourAndWrapModuloTheRingSize() {
        SharedRing<BlkifRequest, BlkifResponse> ring =
                new SharedRing<>(ByteBuffer.allocateDirect(4096), Blkif.PROTOCOL);
        assertThat(ring.slotOffset(0)).isEqualTo(64);
        assertThat(ring.slotOffset(1)).isEqualTo(64 + 112);
        assertThat(ring.slotOffset(31)).isEqualTo(64 + 31 * 112);
        assertThat(ring.slotOffset(32)).isEqualTo(64);
        assertThat(ring.slotOffset(-1)).as("index 2^32-1").isEqualTo(64 + 31 * 112);
    }

    @Test
    void headerAcceptsAHeapBufferToo() {
        SharedRing<BlkifRequest, BlkifResponse> ring = new SharedRing<>(ByteBuffer.allocate(4096), Blkif.PROTOCOL);
        ring.init();
        ring.setRequestProducer(3);
        assertThat(ring.requestProducer()).isEqualTo(3);
        assertThat(ring.requestEvent()).isEqualTo(1);
    }
}
