package org.kemari.cli;

import java.util.Map;

/** Says which module each verb waits for while the replication engine is not wired in. */
final class UnwiredEngine {
    private static final Map<String, String> NEEDS = Map.of(
            "protect", "the epoch sender (ft-transaction) with event-tap (evtchn-tap)",
            "receive", "the transactional epoch receiver (ft-transaction)",
            "failover", "the receiver's failover path (ft-transaction, ringsync re-attach)",
            "switchover", "the sender's handover (ft-transaction)",
            "demo", "the simulator demo (ft-transaction, evtchn-tap, ringsync on the sim backend)",
            "bench", "the benchmark harness (ft-transaction on the sim backend)");

    private UnwiredEngine() {
    }

    static String reason(String verb) {
        return "not available in this build: " + NEEDS.getOrDefault(verb, "its engine")
                + " is not wired into the command line yet";
    }
}
