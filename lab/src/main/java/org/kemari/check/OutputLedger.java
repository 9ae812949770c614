package org.kemari.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the guest has told the outside world, as the outside world saw it. Output after a
 * failover must continue the same story: a sequence number already seen may come again (the
 * last unacknowledged output is replayed) but only with identical content; a new one must be
 * exactly the next. Anything else is a gap or a divergence — output lost or contradicted.
 */
public final class OutputLedger {
    private final Map<Long, AckRecord> bySeq = new HashMap<>();
    private final Map<Long, AckRecord> lastAckPerBlock = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long nextSeq;
    private long duplicates;

    public synchronized void record(AckRecord ack) {
        AckRecord seen = bySeq.get(ack.seq());
        if (seen != null) {
            duplicates++;
            if (seen.block() != ack.block() || seen.hash() != ack.hash()) {
                violations.add("divergence: write " + ack.seq() + " was acknowledged as block " + seen.block()
                        + " hash " + Long.toHexString(seen.hash()) + " and again as block " + ack.block()
                        + " hash " + Long.toHexString(ack.hash()));
            }
            return;
        }
        if (ack.seq() != nextSeq) {
            violations.add("gap: expected acknowledgement of write " + nextSeq + ", got " + ack.seq());
        }
        nextSeq = Math.max(nextSeq, ack.seq() + 1);
        bySeq.put(ack.seq(), ack);
        lastAckPerBlock.merge(ack.block(), ack, (a, b) -> a.seq() > b.seq() ? a : b);
    }

    public synchronized long acknowledged() {
        return bySeq.size();
    }

    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** The newest acknowledged write of every block. */
    public synchronized Map<Long, AckRecord> lastAckPerBlock() {
        return Map.copyOf(lastAckPerBlock);
    }
}
