package org.kemari.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.BooleanSupplier;

/**
 * The shared part of a Xen I/O ring ({@code struct name_sring} of {@code io/ring.h}) laid over
 * guest memory: one or more contiguous pages, from a foreign or grant mapping or, in tests, any
 * buffer. Header: {@code req_prod@0, req_event@4, rsp_prod@8, rsp_event@12}, a 4-byte
 * {@code pvt} union @16, 44 bytes of padding, then the slots from offset 64.
 *
 * <p>Indexes are free-running 32-bit counters ({@code RING_IDX}); Java {@code int} arithmetic
 * wraps exactly like C's {@code unsigned int}, and a slot is {@code index & (slots - 1)}.
 *
 * <p>Memory ordering: the other end runs on another CPU, so the producer indexes are published
 * with release semantics (Xen's {@code wmb()} before the store) and read with acquire semantics
 * (Xen's {@code rmb()} after the load); the event indexes are written and then separated from the
 * re-check by a full fence ({@code mb()}), which is what makes the lost-wakeup race impossible.
 */
public final class SharedRing<Q, P> {
    public static final int HEADER_SIZE = 64;
    static final int REQ_PROD = 0;
    static final int REQ_EVENT = 4;
    static final int RSP_PROD = 8;
    static final int RSP_EVENT = 12;
    static final int PVT = 16;

    private static final VarHandle INDEX =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer page;
    private final RingProtocol<Q, P> protocol;
    private final int slots;

    /**
     * @param memory the ring's pages, starting at the header; its remaining bytes decide the
     *               slot count exactly as {@code __RING_SIZE} does with the mapped size
     */
    public SharedRing(ByteBuffer memory, RingProtocol<Q, P> protocol) {
        this.page = memory.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.protocol = protocol;
        this.slots = protocol.slots(page.capacity());
    }

    /** {@code SHARED_RING_INIT}: what the frontend does once before advertising the ring. */
    public void init() {
        setRequestProducer(0);
        setResponseProducer(0);
        setRequestEvent(1);
        setResponseEvent(1);
        for (int i = PVT; i < HEADER_SIZE; i++) {
            page.put(i, (byte) 0);
        }
    }

    /** A view of the ring's memory (header and slots), e.g. to copy it whole. */
    public ByteBuffer memory() {
        return page.duplicate().clear();
    }

    public RingProtocol<Q, P> protocol() {
        return protocol;
    }

    /** {@code RING_SIZE}: number of slots, a power of two. */
    public int slots() {
        return slots;
    }

    /** Byte offset of the slot that {@code index} lands in. */
    int slotOffset(int index) {
        return HEADER_SIZE + (index & (slots - 1)) * protocol.slotSize();
    }

    Q readRequest(int index) {
        return protocol.readRequest(page, slotOffset(index));
    }

    void writeRequest(int index, Q request) {
        protocol.writeRequest(page, slotOffset(index), request);
    }

    P readResponse(int index) {
        return protocol.readResponse(page, slotOffset(index));
    }

    void writeResponse(int index, P response) {
        protocol.writeResponse(page, slotOffset(index), response);
    }

    /** Acquire load: slots up to the returned index are visible once this returns. */
    public int requestProducer() {
        return (int) INDEX.getAcquire(page, REQ_PROD);
    }

    /** Release store: slot writes made before are visible to whoever sees the new index. */
    public void setRequestProducer(int index) {
        INDEX.setRelease(page, REQ_PROD, index);
    }

    public int responseProducer() {
        return (int) INDEX.getAcquire(page, RSP_PROD);
    }

    public void setResponseProducer(int index) {
        INDEX.setRelease(page, RSP_PROD, index);
    }

    public int requestEvent() {
        return (int) INDEX.getAcquire(page, REQ_EVENT);
    }

    public void setRequestEvent(int index) {
        INDEX.setRelease(page, REQ_EVENT, index);
    }

    public int responseEvent() {
        return (int) INDEX.getAcquire(page, RSP_EVENT);
    }

    public void setResponseEvent(int index) {
        INDEX.setRelease(page, RSP_EVENT, index);
    }

    /**
     * {@code RING_PUSH_*_AND_CHECK_NOTIFY} for one direction ({@code producer}/{@code event} are
     * the header offsets of its fields): publishes {@code pushed} with release semantics, then a
     * full fence so the peer sees the new producer before we read its event index, and says
     * whether the push passed that event index. The test is an unsigned difference, so it holds
     * across the 2^32 wrap.
     */
    boolean pushAndCheckNotify(int producer, int event, int pushed) {
        int old = (int) INDEX.getAcquire(page, producer);
        INDEX.setRelease(page, producer, pushed);
        VarHandle.fullFence();
        int wanted = (int) INDEX.getAcquire(page, event);
        return Integer.compareUnsigned(pushed - wanted, pushed - old) < 0;
    }

    /**
     * The second half of {@code RING_FINAL_CHECK_FOR_*}: asks the peer to notify when it
     * produces index {@code next - 1}, then a full fence so that either the peer sees the new
     * event index or we see its new producer; never neither (the lost wake-up).
     */
    boolean armAndRecheck(int event, int next, BooleanSupplier workLeft) {
        INDEX.setRelease(page, event, next);
        VarHandle.fullFence();
        return workLeft.getAsBoolean();
    }
}
