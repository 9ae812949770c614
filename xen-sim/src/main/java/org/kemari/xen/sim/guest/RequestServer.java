package org.kemari.xen.sim.guest;

import static org.kemari.xen.sim.guest.RequestServerLayout.*;

import java.nio.ByteBuffer;
import org.kemari.ring.RingProtocolException;
import org.kemari.ring.net.Netif;
import org.kemari.ring.net.NetifRxRequest;
import org.kemari.ring.net.NetifRxResponse;
import org.kemari.ring.net.NetifTxRequest;
import org.kemari.ring.net.NetifTxResponse;
import org.kemari.xen.XenException;
import org.kemari.xen.sim.GuestCpu;
import org.kemari.xen.sim.GuestFault;
import org.kemari.xen.sim.GuestInfoPage;
import org.kemari.xen.sim.GuestMemory;
import org.kemari.xen.sim.GuestProgram;
import org.kemari.xen.sim.MemTouch;
import org.kemari.xen.sim.SimGuest;

/**
 * A server guest answering small requests on its vif ({@link TransactionFrames}): every step it
 * touches memory like {@link MemTouch}, then takes each frame dom0 placed in its posted receive
 * buffers, writes the reply into a transmit buffer, posts it on the tx ring and posts the
 * receive buffer again. Like {@link IoGuest} it polls its rings every step (events only wake
 * it) and keeps all state in guest memory ({@link RequestServerLayout}).
 *
 * <p>At most {@link RequestServerLayout#BUFFERS} replies are in flight: transmit buffer
 * {@code n mod BUFFERS} is reused for reply {@code n} only once reply {@code n - BUFFERS} was
 * answered, and netback answers in ring order. Frames arriving meanwhile wait in the rx ring.
 * A frame that is not a request is dropped and counted; a failed transmit crashes the domain
 * with the status in the reason, as the io guest's does.
 */
public final class RequestServer implements GuestProgram {
    /** A vcpu whose rip is here runs this program. */
    public static final long ENTRY = 0xffffffff81200000L;
    private static final long INFO = GuestInfoPage.PFN;
    private static final RequestServer PROGRAM = new RequestServer();

    private final GuestProgram memTouch = GuestProgram.forEntry(MemTouch.ENTRY);

    private RequestServer() {
    }

    /** Registers the program at {@link #ENTRY}; every JVM that may run the guest calls it once (repeats are harmless). */
    public static void install() {
        GuestProgram.register(ENTRY, PROGRAM);
    }

    @Override
    public void step(int vcpu, GuestCpu cpu, GuestMemory memory, SimGuest guest) {
        if (memory.getLong(INFO, MAGIC) != MAGIC_VALUE) {
            throw new GuestFault("request server: no KMRRRS01 parameters in the info page (offset " + MAGIC + ")");
        }
        long touches = memory.getLong(INFO, TOUCHES_PER_STEP);
        for (long i = 0; i < touches; i++) {
            memTouch.step(vcpu, cpu, memory, guest);
        }
        try {
            serve(memory, guest);
        } catch (RingProtocolException | IllegalStateException | XenException e) {
            throw new GuestFault("request server: " + e.getMessage());
        }
    }

    private static void serve(GuestMemory memory, SimGuest guest) {
        while (guest.pollEvent().isPresent()) {
            // wake-ups only: what happened is read from the rings below
        }
        reclaimTransmitted(memory);
        boolean notify = false;
        while (repliesInFlight(memory) < BUFFERS) {
            NetifRxResponse received = InfoPageRings.takeResponse(memory, RX_RING_PFN, Netif.RX, RX_REQ_PROD_PVT, RX_RSP_CONS);
            if (received == null) {
                break;
            }
            notify |= answer(memory, received);
            repost(memory, received.id());
        }
        if (notify) {
            guest.notify((int) memory.getLong(INFO, PORT));
        }
    }

    private static void reclaimTransmitted(GuestMemory memory) {
        for (NetifTxResponse sent = takeTransmitted(memory); sent != null; sent = takeTransmitted(memory)) {
            if (sent.status() != Netif.RSP_OKAY) {
                throw new GuestFault("request server: reply with netif tx id " + sent.id() + " not sent: status "
                        + sent.status());
            }
        }
    }

    private static NetifTxResponse takeTransmitted(GuestMemory memory) {
        return InfoPageRings.takeResponse(memory, TX_RING_PFN, Netif.TX, TX_REQ_PROD_PVT, TX_RSP_CONS);
    }

    private static int repliesInFlight(GuestMemory memory) {
        return (int) memory.getLong(INFO, TX_REQ_PROD_PVT) - (int) memory.getLong(INFO, TX_RSP_CONS);
    }

    /** Posts the reply to {@code received}; says whether netback must be notified. */
    private static boolean answer(GuestMemory memory, NetifRxResponse received) {
        if (received.id() >= BUFFERS) {
            throw new GuestFault("request server: netif rx response for buffer id " + received.id() + ", posted only 0.."
                    + (BUFFERS - 1));
        }
        if (received.status() != TransactionFrames.REQUEST_SIZE) {
            // a frame of the wrong size is someone else's traffic, or an error status: a server drops it
            memory.putLong(INFO, DROPPED, memory.getLong(INFO, DROPPED) + 1);
            return false;
        }
        ByteBuffer request = memory.readOnlyFrame(RX_BUFFER_PFN + received.id()).position(received.offset());
        long answered = memory.getLong(INFO, ANSWERED) + 1;
        memory.putLong(INFO, ANSWERED, answered);
        int reply = (int) memory.getLong(INFO, TX_REQ_PROD_PVT);
        int buffer = Math.floorMod(reply, BUFFERS);
        memory.update(TX_BUFFER_PFN + buffer, frame -> {
            TransactionFrames.writeReply(frame, request, answered);
            return null;
        });
        NetifTxRequest transmit = new NetifTxRequest((int) memory.getLong(INFO, TX_BUFFER_REFS + 8 * buffer), 0, 0,
                reply & 0xffff, TransactionFrames.REPLY_SIZE);
        return InfoPageRings.post(memory, TX_RING_PFN, Netif.TX, TX_REQ_PROD_PVT, TX_RSP_CONS, transmit);
    }

    /**
     * Gives receive buffer {@code id} back to netback. No notification: dom0's receive side looks
     * for posted buffers when a frame arrives, it does not wait for them.
     */
    static void repost(GuestMemory memory, int id) {
        InfoPageRings.post(memory, RX_RING_PFN, Netif.RX, RX_REQ_PROD_PVT, RX_RSP_CONS,
                new NetifRxRequest(id, (int) memory.getLong(INFO, RX_BUFFER_REFS + 8 * id)));
    }
}
