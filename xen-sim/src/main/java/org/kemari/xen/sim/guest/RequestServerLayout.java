package org.kemari.xen.sim.guest;

import org.kemari.xen.sim.GuestInfoPage;
import org.kemari.xen.sim.MemTouch;

/**
 * Where a {@link RequestServer} keeps everything, like {@link IoGuestLayout}: fixed frames for
 * its vif (both rings and {@link #BUFFERS} buffers each way), its parameters and loop state in
 * the info page (little-endian u64 from {@link GuestInfoPage#PARAMS_OFFSET}), nothing in Java
 * objects, so a replica built from a copy of memory answers exactly as the original would.
 *
 * <pre>
 *  2048 working-set base pfn (MemTouch)   2056 working-set pages (MemTouch)
 *  2064 "KMRRRS01" magic                  2072 memory touches per step
 *  2080 vif event-channel port            2088 rx ring gref     2096 tx ring gref
 *  --- loop state, written by the guest ---
 *  2104 rx req_prod_pvt  2112 rx rsp_cons  2120 tx req_prod_pvt  2128 tx rsp_cons
 *  2136 requests answered                 2144 frames dropped as malformed
 *  2152 grefs of the rx buffers (BUFFERS words), then of the tx buffers (BUFFERS words)
 * </pre>
 */
public final class RequestServerLayout {
    /**
     * Receive buffers kept posted, and replies that may be in flight: 16 lets 8 clients each have
     * a request waiting while the previous reply is still held by event-tap.
     */
    public static final int BUFFERS = 16;
    public static final long RX_RING_PFN = 1;
    public static final long TX_RING_PFN = 2;
    public static final long RX_BUFFER_PFN = 3;
    public static final long TX_BUFFER_PFN = RX_BUFFER_PFN + BUFFERS;
    public static final long WORKING_SET_BASE = TX_BUFFER_PFN + BUFFERS;

    public static final int WS_BASE = MemTouch.WS_BASE_OFFSET;
    public static final int WS_PAGES = MemTouch.WS_PAGES_OFFSET;
    public static final int MAGIC = GuestInfoPage.PARAMS_OFFSET + 16;
    /** "KMRRRS01" read little-endian. */
    public static final long MAGIC_VALUE = 0x3130535252524d4bL;
    public static final int TOUCHES_PER_STEP = MAGIC + 8;
    public static final int PORT = MAGIC + 16;
    public static final int RX_RING_REF = MAGIC + 24;
    public static final int TX_RING_REF = MAGIC + 32;
    public static final int RX_REQ_PROD_PVT = MAGIC + 40;
    public static final int RX_RSP_CONS = MAGIC + 48;
    public static final int TX_REQ_PROD_PVT = MAGIC + 56;
    public static final int TX_RSP_CONS = MAGIC + 64;
    public static final int ANSWERED = MAGIC + 72;
    public static final int DROPPED = MAGIC + 80;
    public static final int RX_BUFFER_REFS = MAGIC + 88;
    public static final int TX_BUFFER_REFS = RX_BUFFER_REFS + 8 * BUFFERS;

    private RequestServerLayout() {
    }
}
