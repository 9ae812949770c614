package org.kemari.ring.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.kemari.ring.AbstractRingBackend;
import org.kemari.ring.BackRing;
import org.kemari.ring.Frontend;
import org.kemari.ring.RingProtocolException;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.XenException;

/**
 * The transmit half of a netback: gathers each packet from the frames the guest granted (a
 * {@link Netif#TXF_MORE_DATA} chain of slots) and sends it over a {@link PacketLink}. Every slot
 * of a packet is answered together once the packet is sent, so {@code rsp_prod} only ever stops
 * on a packet boundary, which a failover replay relies on (see {@code RingReattach}).
 *
 * <p>Not supported: extra-info slots. They only follow GSO, multicast or hash negotiation, none
 * of which this backend offers, so a frontend sending one is treated as broken.
 */
public final class NetTxBackend extends AbstractRingBackend<NetifTxRequest, NetifTxResponse> {
    /**
     * Linux netback's XEN_NETBK_LEGACY_SLOTS_MAX: the most slots a frontend may chain for one
     * packet. Without a cap a chain that never ends would hold the ring forever.
     */
    public static final int MAX_SLOTS_PER_PACKET = 18;
    private static final System.Logger LOG = System.getLogger(NetTxBackend.class.getName());

    private final PacketLink link;
    private final List<NetifTxRequest> packet = new ArrayList<>();

    public NetTxBackend(BackRing<NetifTxRequest, NetifTxResponse> ring, Frontend frontend, PacketLink link) {
        super(ring, frontend);
        this.link = link;
    }

    /** Every transmitted frame leaves the primary. */
    @Override
    protected boolean isOutgoing(NetifTxRequest request) {
        return true;
    }

    @Override
    protected void serve(NetifTxRequest request) {
        if (request.hasExtraInfo()) {
            throw new RingProtocolException("netif_tx dom" + frontend.domid() + ": request id " + request.id()
                    + " announces extra-info slots, but no GSO/multicast/hash feature was offered");
        }
        packet.add(request);
        if (request.hasMoreData()) {
            if (packet.size() == MAX_SLOTS_PER_PACKET) {
                throw new RingProtocolException("netif_tx dom" + frontend.domid() + ": packet starting at id "
                        + packet.get(0).id() + " chains more than " + MAX_SLOTS_PER_PACKET + " slots");
            }
            return;
        }
        int status = transmit();
        for (NetifTxRequest slot : packet) {
            ring.respond(new NetifTxResponse(slot.id(), status));
        }
        packet.clear();
    }

    private int transmit() {
        NetifTxRequest first = packet.get(0);
        int rest = 0;
        for (NetifTxRequest slot : packet.subList(1, packet.size())) {
            rest += slot.size();
        }
        // The first slot's size is the whole packet; its own data is what the others leave.
        int firstLength = first.size() - rest;
        if (firstLength < 0) {
            return drop(first, "fragments add up to more than the packet size " + first.size());
        }
        ByteBuffer frame = ByteBuffer.allocate(first.size());
        try {
            for (NetifTxRequest slot : packet) {
                int length = slot == first ? firstLength : slot.size();
                if (slot.offset() + length > ForeignMapping.PAGE_SIZE) {
                    return drop(first, "slot id " + slot.id() + " crosses its frame (offset "
                            + slot.offset() + ", " + length + " bytes)");
                }
                try (ForeignMapping granted = frontend.mapGrant(slot.gref(), false)) {
                    ByteBuffer data = granted.page(0).duplicate();
                    data.position(slot.offset()).limit(slot.offset() + length);
                    frame.put(data);
                }
            }
            link.send(frame.flip());
            return Netif.RSP_OKAY;
        } catch (IOException | XenException e) {
            return drop(first, e.toString());
        }
    }

    private int drop(NetifTxRequest first, String why) {
        LOG.log(Level.WARNING, () -> "netif_tx dom" + frontend.domid() + ": dropping packet id " + first.id() + ": " + why);
        return Netif.RSP_ERROR;
    }

    /** Nothing to release: the link belongs to whoever opened it, and the rx half may share it. */
    @Override
    public void close() {
    }
}
