package org.kemari.ring;

import java.nio.ByteBuffer;

/**
 * One ring type from Xen's {@code DEFINE_RING_TYPES(name, req_t, rsp_t)}: how a request and a
 * response are laid out in a ring slot. The slot is a C union of the two, so its size is the
 * larger of them rounded up to the stricter member alignment. The codecs read and write one slot
 * at an absolute offset of a little-endian buffer ({@link SharedRing} orders it so): x86 and Arm
 * guests both lay their rings out little-endian.
 *
 * @param <Q> request
 * @param <P> response
 */
public abstract class RingProtocol<Q, P> {
    private final String name;
    private final int requestSize;
    private final int responseSize;
    private final int slotSize;

    /**
     * @param slotAlignment alignment of the slot union: its largest member alignment (8 when a
     *                      member holds a u64)
     */
    protected RingProtocol(String name, int requestSize, int responseSize, int slotAlignment) {
        this.name = name;
        this.requestSize = requestSize;
        this.responseSize = responseSize;
        int widest = Math.max(requestSize, responseSize);
        this.slotSize = (widest + slotAlignment - 1) / slotAlignment * slotAlignment;
    }

    public abstract void writeRequest(ByteBuffer page, int offset, Q request);

    public abstract Q readRequest(ByteBuffer page, int offset);

    public abstract void writeResponse(ByteBuffer page, int offset, P response);

    public abstract P readResponse(ByteBuffer page, int offset);

    /** The C name, e.g. "blkif", used in error messages. */
    public final String name() {
        return name;
    }

    public final int requestSize() {
        return requestSize;
    }

    public final int responseSize() {
        return responseSize;
    }

    /** {@code sizeof(union name_sring_entry)}. */
    public final int slotSize() {
        return slotSize;
    }

    /**
     * {@code __CONST_RING_SIZE(name, ringBytes)}: the largest power of two number of slots that
     * fits after the 64-byte header, as Xen's {@code __RD32} rounds down. Both ends compute the
     * same count from the same page size, so it is never negotiated or stored.
     */
    public final int slots(int ringBytes) {
        int room = (ringBytes - SharedRing.HEADER_SIZE) / slotSize;
        if (room < 1) {
            throw new IllegalArgumentException(name + " ring: " + ringBytes
                    + " bytes cannot hold the 64-byte header and one " + slotSize + "-byte slot");
        }
        return Integer.highestOneBit(room);
    }

    @Override
    public String toString() {
        return name;
    }
}
