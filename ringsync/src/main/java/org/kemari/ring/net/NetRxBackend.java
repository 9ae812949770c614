package org.kemari.ring.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.kemari.ring.BackRing;
import org.kemari.ring.Frontend;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.XenException;

/**
 * The receive half of a netback: places frames from a {@link PacketLink} into the empty buffers
 * the guest posted on the rx ring, one 4 KiB frame per slot ({@link Netif#RXF_MORE_DATA} chains
 * a longer packet), and signals the guest. A frame that finds too few posted buffers is dropped,
 * as a NIC drops on a full receive queue.
 *
 * <p>Receive is not held by event-tap: inbound frames change only the guest, whose state the
 * next epoch carries; if the primary fails first the frame is lost, which the network tolerates.
 * Driven by one thread calling {@link #pump}; the link stays its opener's to close.
 */
public final class NetRxBackend {
    private static final System.Logger LOG = System.getLogger(NetRxBackend.class.getName());

    private final BackRing<NetifRxRequest, NetifRxResponse> ring;
    private final Frontend frontend;
    private final PacketLink link;
    private long dropped;

    public NetRxBackend(BackRing<NetifRxRequest, NetifRxResponse> ring, Frontend frontend, PacketLink link) {
        this.ring = ring;
        this.frontend = frontend;
        this.link = link;
    }

    public BackRing<NetifRxRequest, NetifRxResponse> ring() {
        return ring;
    }

    /** Frames dropped for want of posted buffers. */
    public long dropped() {
        return dropped;
    }

    /**
     * Waits up to {@code wait} for a frame, then delivers it and every frame already queued.
     * Returns the number delivered.
     */
    public int pump(Duration wait) throws IOException {
        int delivered = 0;
        for (ByteBuffer frame = link.receive(wait); frame != null; frame = link.receive(Duration.ZERO)) {
            if (deliver(frame)) {
                delivered++;
            }
        }
        return delivered;
    }

    /** Places one frame in the guest's posted buffers; false if it was dropped. */
    public boolean deliver(ByteBuffer frame) {
        int needed = Math.max(1, (frame.remaining() + ForeignMapping.PAGE_SIZE - 1) / ForeignMapping.PAGE_SIZE);
        if (ring.unconsumedRequests() < needed) {
            dropped++;
            return false;
        }
        for (int i = 0; i < needed; i++) {
            NetifRxRequest buffer = ring.takeRequest();
            ByteBuffer chunk = frame.slice();
            chunk.limit(Math.min(ForeignMapping.PAGE_SIZE, chunk.remaining()));
            frame.position(frame.position() + chunk.remaining());
            int flags = frame.hasRemaining() ? Netif.RXF_MORE_DATA : 0;
            ring.respond(new NetifRxResponse(buffer.id(), 0, flags, copyInto(buffer, chunk)));
        }
        if (ring.pushResponsesAndCheckNotify()) {
            frontend.signal();
        }
        return true;
    }

    /** Returns the response status: the bytes placed, or an error. */
    private int copyInto(NetifRxRequest buffer, ByteBuffer chunk) {
        int length = chunk.remaining();
        try (ForeignMapping granted = frontend.mapGrant(buffer.gref(), true)) {
            granted.page(0).duplicate().put(chunk);
            return length;
        } catch (XenException e) {
            LOG.log(Level.WARNING, () -> "netif_rx dom" + frontend.domid() + ": buffer id " + buffer.id() + ": " + e);
            return Netif.RSP_ERROR;
        }
    }
}
