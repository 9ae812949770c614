package org.kemari.ft.wire;

/**
 * The record types of the epoch stream (docs/ft-transaction.md §4.1). Bit 31 of a type code
 * marks a record a reader may skip when it does not know it; every other record is mandatory.
 */
public enum RecordType {
    END(0x00000000),
    EPOCH_BEGIN(0x00000001),
    PAGE_BATCH(0x00000002),
    HVM_CONTEXT(0x00000003),
    VCPU_CONTEXT(0x00000004),
    GRANT_TABLE(0x00000005),
    EVENT_TAP_LOG(0x00000006),
    RING_STATE(0x00000007),
    EPOCH_COMMIT(0x00000008),
    ACK(0x00000009),
    ERROR(0x0000000A),
    HEARTBEAT(0x8000000B),
    HVM_PLATFORM(0x0000000C),
    PHYSMAP(0x0000000D),
    DISK_WRITES(0x0000000E),
    HANDOVER(0x0000000F),
    DEVICE_SET(0x00000010),
    NET_OUTPUT(0x00000011);

    public static final int OPTIONAL_BIT = 0x80000000;

    private static final RecordType[] BY_LOW_CODE = new RecordType[32];

    static {
        for (RecordType t : values()) {
            BY_LOW_CODE[t.code & ~OPTIONAL_BIT] = t;
        }
    }

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }


    public static boolean isOptional(int code) {
        return (code & OPTIONAL_BIT) != 0;
    }

    /** The type with exactly this code, or null if this version does not know it. */
    public static RecordType of(int code) {
        int low = code & ~OPTIONAL_BIT;
        if (low >= BY_LOW_CODE.length) {
            return null;
        }
        RecordType t = BY_LOW_CODE[low];
        return t != null && t.code == code ? t : null;
    }

    /** The name for an error message; unknown codes are shown in hex. */
    public static String describe(int code) {
        RecordType t = of(code);
        return t != null ? t.name() : String.format("record type 0x%08x", code);
    }
}
