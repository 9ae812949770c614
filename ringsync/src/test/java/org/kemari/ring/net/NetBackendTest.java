package org.kemari.ring.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kemari.ring.FrontRing;
import org.kemari.ring.Guest;
import org.kemari.ring.RingProtocolException;
import org.junit.jupiter.api.Test;

class NetBackendTest {
    private final Guest guest = new Guest();
    private final FrontRing<NetifTxRequest, NetifTxResponse> tx = Guest.ring(Netif.TX);
    private final FrontRing<NetifRxRequest, NetifRxResponse> rx = Guest.ring(Netif.RX);
    private final QueueLink link = new QueueLink();

    /** A granted frame holding {@code bytes} at {@code offset}. */
    private int frameWith(int offset, byte[] bytes) {
        int ref = guest.grants.grant();
        guest.grants.frame(ref).position(offset).put(bytes);
        return ref;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    private List<NetifTxResponse> transmit(PacketLink through, NetifTxRequest... slots) {
        for (NetifTxRequest slot : slots) {
            tx.post(slot);
        }
        tx.pushRequests();
        new NetTxBackend(Guest.backOf(tx), guest.frontend, through).drain();
        List<NetifTxResponse> responses = new ArrayList<>();
        while (tx.unconsumedResponses() > 0) {
            responses.add(tx.takeResponse());
        }
        return responses;
    }

    @Test
    void aChainedPacketIsGatheredFromItsSlotsAndSentWhole() {
        byte[] head = pattern(100, 1);
        byte[] middle = pattern(4000, 2);
        byte[] tail = pattern(60, 3);
        List<NetifTxResponse> responses = transmit(link,
                new NetifTxRequest(frameWith(10, head), 10, Netif.TXF_MORE_DATA, 5, 4160),
                new NetifTxRequest(frameWith(96, middle), 96, Netif.TXF_MORE_DATA, 6, 4000),
                new NetifTxRequest(frameWith(0, tail), 0, 0, 7, 60));
        assertThat(responses).containsExactly(new NetifTxResponse(5, Netif.RSP_OKAY),
                new NetifTxResponse(6, Netif.RSP_OKAY), new NetifTxResponse(7, Netif.RSP_OKAY));
        ByteBuffer expected = ByteBuffer.allocate(4160).put(head).put(middle).put(tail);
        assertThat(link.sent).containsExactly(expected.array());
        assertThat(guest.grants.openMappings()).isZero();
    }

    @Test
    void badSlotsDropThePacketWithAnErrorForEachSlot() {
        List<NetifTxResponse> responses = transmit(link,
                new NetifTxRequest(frameWith(0, new byte[0]), 4000, 0, 1, 200),
                new NetifTxRequest(frameWith(0, new byte[0]), 0, Netif.TXF_MORE_DATA, 2, 10),
                new NetifTxRequest(frameWith(0, new byte[0]), 0, 0, 3, 20),
                new NetifTxRequest(999, 0, 0, 4, 20));
        assertThat(responses).extracting(NetifTxResponse::id).containsExactly(1, 2, 3, 4);
        assertThat(responses).extracting(NetifTxResponse::status).containsOnly(Netif.RSP_ERROR);
        assertThat(link.sent).isEmpty();
    }

    @Test
    void extraInfoSlotsAreRefusedAsUnnegotiated() {
        tx.post(new NetifTxRequest(frameWith(0, new byte[0]), 0, Netif.TXF_EXTRA_INFO, 9, 60));
        tx.pushRequests();
        NetTxBackend backend = new NetTxBackend(Guest.backOf(tx), guest.frontend, link);
        assertThatThrownBy(backend::drain).isInstanceOf(RingProtocolException.class)
                .hasMessage("netif_tx dom7: request id 9 announces extra-info slots, but no GSO/multicast/hash"
                        + " feature was offered");
    }

    @Test
    void anEndlessChainIsAProtocolError() {
        int ref = frameWith(0, new byte[0]);
        for (int id = 0; id < NetTxBackend.MAX_SLOTS_PER_PACKET; id++) {
            tx.post(new NetifTxRequest(ref, 0, Netif.TXF_MORE_DATA, id, 1));
        }
        tx.pushRequests();
        NetTxBackend backend = new NetTxBackend(Guest.backOf(tx), guest.frontend, link);
        assertThatThrownBy(backend::drain).isInstanceOf(RingProtocolException.class)
                .hasMessage("netif_tx dom7: packet starting at id 0 chains more than 18 slots");
    }

    @Test
    void everyTransmitIsOutgoing() {
        tx.post(new NetifTxRequest(0, 0, 0, 1, 60));
        tx.pushRequests();
        assertThat(new NetTxBackend(Guest.backOf(tx), guest.frontend, link).isOutgoing(0)).isTrue();
    }

    private int postRxBuffer(int id) {
        int ref = guest.grants.grant();
        rx.post(new NetifRxRequest(id, ref));
        return ref;
    }

    @Test
    void receivedFramesFillPostedBuffersChainingPastOneFrame() throws IOException {
        int first = postRxBuffer(1);
        int second = postRxBuffer(2);
        int third = postRxBuffer(3);
        rx.pushRequests();
        byte[] small = pattern(60, 4);
        byte[] large = pattern(5000, 5);
        link.inbound.add(ByteBuffer.wrap(small));
        link.inbound.add(ByteBuffer.wrap(large));
        NetRxBackend backend = new NetRxBackend(Guest.backOf(rx), guest.frontend, link);

        assertThat(backend.pump(Duration.ZERO)).isEqualTo(2);
        assertThat(rx.takeResponse()).isEqualTo(new NetifRxResponse(1, 0, 0, 60));
        assertThat(rx.takeResponse()).isEqualTo(new NetifRxResponse(2, 0, Netif.RXF_MORE_DATA, 4096));
        assertThat(rx.takeResponse()).isEqualTo(new NetifRxResponse(3, 0, 0, 904));
        byte[] got = new byte[5000];
        guest.grants.frame(first).get(got, 0, 60);
        assertThat(Arrays.copyOf(got, 60)).isEqualTo(small);
        guest.grants.frame(second).get(got, 0, 4096);
        guest.grants.frame(third).get(got, 4096, 904);
        assertThat(got).isEqualTo(large);
        assertThat(guest.events.sent(Guest.PORT)).as("the frontend never re-armed rsp_event past 1").isEqualTo(1);
    }

    @Test
    void aFrameWithoutEnoughPostedBuffersIsDropped() {
        postRxBuffer(1);
        rx.pushRequests();
        NetRxBackend backend = new NetRxBackend(Guest.backOf(rx), guest.frontend, link);
        assertThat(backend.deliver(ByteBuffer.wrap(pattern(5000, 0)))).isFalse();
        assertThat(backend.dropped()).isEqualTo(1);
        assertThat(backend.ring().requestConsumer()).as("the posted buffer is kept for the next frame").isZero();
        assertThat(backend.deliver(ByteBuffer.wrap(pattern(10, 0)))).isTrue();
    }

    @Test
    void framesTravelOverUdpLoopbackBothWays() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0))) {
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalAddress();
            try (UdpPacketLink udp = UdpPacketLink.open(new InetSocketAddress(loopback, 0), peerAddress)) {
                byte[] out = pattern(1514, 9);
                assertThat(transmit(udp, new NetifTxRequest(frameWith(0, out), 0, 0, 1, out.length)))
                        .containsExactly(new NetifTxResponse(1, Netif.RSP_OKAY));
                peer.socket().setSoTimeout(10_000);
                DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                peer.socket().receive(packet);
                assertThat(Arrays.copyOf(packet.getData(), packet.getLength())).isEqualTo(out);

                int buffer = postRxBuffer(4);
                rx.pushRequests();
                byte[] in = pattern(300, 11);
                peer.send(ByteBuffer.wrap(in), udp.localAddress());
                NetRxBackend backend = new NetRxBackend(Guest.backOf(rx), guest.frontend, udp);
                assertThat(backend.pump(Duration.ofSeconds(10))).isEqualTo(1);
                assertThat(rx.takeResponse()).isEqualTo(new NetifRxResponse(4, 0, 0, 300));
                byte[] got = new byte[300];
                guest.grants.frame(buffer).get(got);
                assertThat(got).isEqualTo(in);
                assertThat(udp.receive(Duration.ZERO)).as("nothing else queued").isNull();
            }
        }
    }
}
