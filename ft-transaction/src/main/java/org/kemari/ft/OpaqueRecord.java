package org.kemari.ft;

import org.kemari.ft.wire.RecordType;

/**
 * State another module adds to every epoch and gets back on the secondary at commit, carried
 * without interpretation: event-tap's held-request log, ringsync's ring state, the HVM params and
 * device-model state the engine needs to bring an HVM replica up, the guest's disk writes.
 */
public record OpaqueRecord(Kind kind, byte[] payload) {
    public enum Kind {
        EVENT_TAP_LOG(RecordType.EVENT_TAP_LOG), RING_STATE(RecordType.RING_STATE), HVM_PLATFORM(RecordType.HVM_PLATFORM),
        DISK_WRITES(RecordType.DISK_WRITES), DEVICE_SET(RecordType.DEVICE_SET),
        NET_OUTPUT(RecordType.NET_OUTPUT);

        private final RecordType type;

        Kind(RecordType type) {
            this.type = type;
        }

        public RecordType recordType() {
            return type;
        }
    }

    public OpaqueRecord {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
