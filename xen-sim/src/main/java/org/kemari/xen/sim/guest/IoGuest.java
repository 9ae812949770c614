package org.kemari.xen.sim.guest;

import static org.kemari.xen.sim.guest.IoGuestLayout.*;

import org.kemari.ring.guest.WorkloadFormat;
import java.nio.ByteBuffer;
import org.kemari.ring.RingProtocolException;
import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;
import org.kemari.ring.blk.BlkifSegment;
import org.kemari.ring.net.Netif;
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
 * The demo/torture workload of docs/checker.md as a simulated guest doing real I/O through Xen
 * rings: every step it touches memory like {@link MemTouch}; vcpu 0 also runs the I/O loop
 * <em>idle → write posted → ack posted → idle</em>: every {@code writeInterval} steps it writes
 * self-describing block {@code seq mod blocks} through its blkfront ring, and once the write is
 * answered OK it transmits the acknowledgement through its netfront tx ring; when that is
 * answered, {@code seq} advances.
 *
 * <p>The guest polls its rings every step: event-channel notifications only wake it, and it
 * tolerates spurious and missing ones, as a replica whose channels were re-created must. All
 * state is in guest memory and registers ({@link IoGuestLayout}); the one instance holds none.
 * A failed block write or transmit crashes the domain with the status in the reason.
 */
public final class IoGuest implements GuestProgram {
    /** A vcpu whose rip is here runs this program. */
    public static final long ENTRY = 0xffffffff81100000L;
    private static final long INFO = GuestInfoPage.PFN;
    private static final IoGuest PROGRAM = new IoGuest();

    private final GuestProgram memTouch = GuestProgram.forEntry(MemTouch.ENTRY);

    private IoGuest() {
    }

    /** Registers the program at {@link #ENTRY}; every JVM that may run the guest calls it once (repeats are harmless). */
    public static void install() {
        GuestProgram.register(ENTRY, PROGRAM);
    }

    @Override
    public void step(int vcpu, GuestCpu cpu, GuestMemory memory, SimGuest guest) {
        if (memory.getLong(INFO, MAGIC) != MAGIC_VALUE) {
            throw new GuestFault("ioguest: no KMRIOG01 parameters in the info page (offset " + MAGIC + ")");
        }
        long touches = memory.getLong(INFO, TOUCHES_PER_STEP);
        for (long i = 0; i < touches; i++) {
            memTouch.step(vcpu, cpu, memory, guest);
        }
        if (vcpu != 0) {
            return;
        }
        try {
            ioStep(memory, guest);
        } catch (RingProtocolException | IllegalStateException | XenException e) {
            throw new GuestFault("ioguest: " + e.getMessage());
        }
    }

    private static void ioStep(GuestMemory memory, SimGuest guest) {
        while (guest.pollEvent().isPresent()) {
            // wake-ups only: what happened is read from the rings below
        }
        long steps = memory.getLong(INFO, STEPS) + 1;
        memory.putLong(INFO, STEPS, steps);
        long state = memory.getLong(INFO, STATE);
        if (state == STATE_IDLE) {
            if (steps - memory.getLong(INFO, LAST_WRITE_STEP) >= memory.getLong(INFO, WRITE_INTERVAL)) {
                memory.putLong(INFO, LAST_WRITE_STEP, steps);
                postWrite(memory, guest);
            }
        } else if (state == STATE_WRITE_POSTED) {
            BlkifResponse written = InfoPageRings.takeResponse(memory, memory.getLong(INFO, BLK_RING_PFN_AT),
                    Blkif.PROTOCOL, BLK_REQ_PROD_PVT, BLK_RSP_CONS);
            if (written != null) {
                postAck(memory, guest, written);
            }
        } else if (state == STATE_ACK_POSTED) {
            NetifTxResponse sent = InfoPageRings.takeResponse(memory, memory.getLong(INFO, TX_RING_PFN_AT), Netif.TX,
                    TX_REQ_PROD_PVT, TX_RSP_CONS);
            if (sent != null) {
                long seq = memory.getLong(INFO, SEQ);
                if (sent.status() != Netif.RSP_OKAY || sent.id() != (int) (seq & 0xffff)) {
                    throw new GuestFault("ioguest: acknowledgement of write " + seq + " not sent: netif tx response id "
                            + sent.id() + " status " + sent.status());
                }
                memory.putLong(INFO, SEQ, seq + 1);
                memory.putLong(INFO, STATE, STATE_IDLE);
            }
        } else {
            throw new GuestFault("ioguest: unknown loop state " + state + " at info page offset " + STATE);
        }
    }

    private static void postWrite(GuestMemory memory, SimGuest guest) {
        long seq = memory.getLong(INFO, SEQ);
        long blocks = memory.getLong(INFO, BLOCKS);
        if (blocks <= 0) {
            throw new GuestFault("ioguest: disk of " + blocks + " blocks (info page offset " + BLOCKS + ")");
        }
        long block = Long.remainderUnsigned(seq, blocks);
        memory.update(memory.getLong(INFO, BLK_DATA_PFN_AT), page -> {
            WorkloadFormat.writeBlock(page, seq, block);
            return null;
        });
        // One segment: the whole granted frame, sectors 0..7, as 4 KiB block `block` of the disk.
        BlkifRequest write = BlkifRequest.of(Blkif.OP_WRITE, 0, seq, block * Blkif.SECTORS_PER_FRAME,
                new BlkifSegment((int) memory.getLong(INFO, BLK_DATA_REF), 0, Blkif.SECTORS_PER_FRAME - 1));
        if (InfoPageRings.post(memory, memory.getLong(INFO, BLK_RING_PFN_AT), Blkif.PROTOCOL, BLK_REQ_PROD_PVT,
                BLK_RSP_CONS, write)) {
            guest.notify((int) memory.getLong(INFO, BLK_PORT));
        }
        memory.putLong(INFO, STATE, STATE_WRITE_POSTED);
    }

    private static void postAck(GuestMemory memory, SimGuest guest, BlkifResponse written) {
        long seq = memory.getLong(INFO, SEQ);
        if (written.status() != Blkif.RSP_OKAY || written.id() != seq || written.operation() != Blkif.OP_WRITE) {
            throw new GuestFault("ioguest: block write " + seq + " failed: blkif response id "
                    + Long.toUnsignedString(written.id()) + " operation " + written.operation() + " status " + written.status()
                    + (written.status() == Blkif.RSP_EOPNOTSUPP ? " (EOPNOTSUPP)" : written.status() == Blkif.RSP_ERROR ? " (EIO)" : ""));
        }
        ByteBuffer block = memory.readOnlyFrame(memory.getLong(INFO, BLK_DATA_PFN_AT));
        long index = block.getLong(16);
        long hash = WorkloadFormat.fnv1a(block, 0, WorkloadFormat.BLOCK_SIZE);
        long progress = memory.getLong(INFO, GuestInfoPage.progressOffset(0));
        memory.update(memory.getLong(INFO, TX_BUFFER_PFN_AT), packet -> {
            WorkloadFormat.writeAck(packet, seq, index, hash, progress);
            return null;
        });
        NetifTxRequest ack = new NetifTxRequest((int) memory.getLong(INFO, TX_BUFFER_REF), 0, 0, (int) (seq & 0xffff),
                WorkloadFormat.ACK_SIZE);
        if (InfoPageRings.post(memory, memory.getLong(INFO, TX_RING_PFN_AT), Netif.TX, TX_REQ_PROD_PVT, TX_RSP_CONS,
                ack)) {
            guest.notify((int) memory.getLong(INFO, TX_PORT));
        }
        memory.putLong(INFO, STATE, STATE_ACK_POSTED);
    }
}
