package org.kemari.xen.sim.guest;

import org.kemari.ring.guest.FrontendParams;
import org.kemari.xen.sim.GuestInfoPage;
import org.kemari.xen.sim.MemTouch;

/**
 * Where an {@link IoGuest} keeps everything: fixed guest frames for its devices, and its
 * parameters and loop state in the program-parameter area of the {@link GuestInfoPage} (pfn 0).
 * All fields are little-endian u64. Nothing lives in Java objects, so a replica built from a
 * copy of memory and vcpu context continues the loop exactly, and dom0 on the secondary learns
 * the frontend's grant references and ports from this page (the replica has no xenstore
 * entries: those stay with the primary's xenstored).
 *
 * <p>Info page, from {@link GuestInfoPage#PARAMS_OFFSET} (2048):
 * <pre>
 *  2048 working-set base pfn      (MemTouch's field)     2056 working-set pages (MemTouch's field)
 *  2064 "KMRIOG01" magic           2072 memory touches per step
 *  2080 steps between block writes 2088 blocks on the disk the guest cycles through
 *  2096 blk ring pfn   2104 blk ring gref   2112 blk event-channel port
 *  2120 blk data pfn   2128 blk data gref
 *  2136 tx ring pfn    2144 tx ring gref    2152 tx event-channel port
 *  2160 tx buffer pfn  2168 tx buffer gref
 *  --- loop state, written by the guest ---
 *  2176 state (0 idle, 1 write posted, 2 ack posted)   2184 seq (current write number)
 *  2192 steps run on vcpu 0                             2200 step of the last block write
 *  2208 blk req_prod_pvt  2216 blk rsp_cons  2224 tx req_prod_pvt  2232 tx rsp_cons
 * </pre>
 * The vcpu's registers hold only the memory-touch generator ({@code rax}, as in MemTouch).
 */
public final class IoGuestLayout {
    /** Frames the frontends use; the working set starts after them. */
    public static final long BLK_RING_PFN = 1;
    public static final long BLK_DATA_PFN = 2;
    public static final long TX_RING_PFN = 3;
    public static final long TX_BUFFER_PFN = 4;
    public static final long WORKING_SET_BASE = 5;

    public static final int WS_BASE = MemTouch.WS_BASE_OFFSET;
    public static final int WS_PAGES = MemTouch.WS_PAGES_OFFSET;
    public static final int MAGIC = GuestInfoPage.PARAMS_OFFSET + 16;
    /** "KMRIOG01" read little-endian. */
    public static final long MAGIC_VALUE = 0x3130474f49524d4bL;
    public static final int TOUCHES_PER_STEP = MAGIC + 8;
    public static final int WRITE_INTERVAL = MAGIC + 16;
    public static final int BLOCKS = MAGIC + 24;
    public static final int BLK_RING_PFN_AT = MAGIC + 32;
    public static final int BLK_RING_REF = MAGIC + 40;
    public static final int BLK_PORT = MAGIC + 48;
    public static final int BLK_DATA_PFN_AT = MAGIC + 56;
    public static final int BLK_DATA_REF = MAGIC + 64;
    public static final int TX_RING_PFN_AT = MAGIC + 72;
    public static final int TX_RING_REF = MAGIC + 80;
    public static final int TX_PORT = MAGIC + 88;
    public static final int TX_BUFFER_PFN_AT = MAGIC + 96;
    public static final int TX_BUFFER_REF = MAGIC + 104;

    public static final int STATE = MAGIC + 112;
    public static final int SEQ = MAGIC + 120;
    public static final int STEPS = MAGIC + 128;
    public static final int LAST_WRITE_STEP = MAGIC + 136;
    public static final int BLK_REQ_PROD_PVT = MAGIC + 144;
    public static final int BLK_RSP_CONS = MAGIC + 152;
    public static final int TX_REQ_PROD_PVT = MAGIC + 160;
    public static final int TX_RSP_CONS = MAGIC + 168;

    public static final long STATE_IDLE = 0;
    public static final long STATE_WRITE_POSTED = 1;
    public static final long STATE_ACK_POSTED = 2;

    /** Linux's vbd device id for xvda (major 202, minor 0), under device/vbd/ in xenstore. */
    public static final int VBD_DEVICE_ID = FrontendParams.VBD_DEVICE_ID;
    public static final int VIF_DEVICE_ID = FrontendParams.VIF_DEVICE_ID;

    private IoGuestLayout() {
    }
}
