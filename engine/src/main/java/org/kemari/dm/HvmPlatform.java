package org.kemari.dm;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of an HVM guest that is neither memory nor CPU context, as of one epoch: the HVM
 * params the guest or its firmware set, and the device model's (QEMU's) device state. Payload of
 * the HVM_PLATFORM epoch record (docs/ft-transaction.md §5.3):
 * {@code u32 count, u32 state_length, count × {u32 index, u32 reserved, u64 value}, state}.
 */
public record HvmPlatform(Map<Integer, Long> params, byte[] deviceState) {
    private static final int HEADER = 8;
    private static final int ENTRY = 16;

    public HvmPlatform {
        params = Collections.unmodifiableMap(new TreeMap<>(params));
        deviceState = deviceState.clone();
    }

    @Override
    public byte[] deviceState() {
        return deviceState.clone();
    }

    public boolean hasDeviceState() {
        return deviceState.length > 0;
    }

    /** The primary's value, 0 when it was not sent (libxc's save also leaves zero params out). */
    public long param(int index) {
        return params.getOrDefault(index, 0L);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + ENTRY * params.size() + deviceState.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(params.size()).putInt(deviceState.length);
        params.forEach((index, value) -> b.putInt(index).putInt(0).putLong(value));
        return b.put(deviceState).array();
    }

    public static HvmPlatform decode(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        try {
            long count = Integer.toUnsignedLong(b.getInt());
            long stateLength = Integer.toUnsignedLong(b.getInt());
            if (HEADER + ENTRY * count + stateLength != payload.length) {
                throw new IllegalArgumentException("HVM_PLATFORM record of " + payload.length + " bytes does not hold " + count
                        + " params and " + stateLength + " bytes of device state");
            }
            Map<Integer, Long> params = new TreeMap<>();
            for (long i = 0; i < count; i++) {
                int index = b.getInt();
                if (b.getInt() != 0) {
                    throw new IllegalArgumentException("HVM_PLATFORM record: reserved field of param " + index + " is not zero");
                }
                if (params.put(index, b.getLong()) != null) {
                    throw new IllegalArgumentException("HVM_PLATFORM record: param " + index + " appears twice");
                }
            }
            byte[] state = new byte[(int) stateLength];
            b.get(state);
            return new HvmPlatform(params, state);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("HVM_PLATFORM record of " + payload.length + " bytes is truncated", e);
        }
    }
}
