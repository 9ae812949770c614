package org.kemari.ft.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageSummary;
import org.kemari.ft.timing.StageTimes;

class AckClockTest {
    private final AtomicLong clock = new AtomicLong(5_000);
    private final StageTimes times = new StageTimes(clock::get);
    private final AckClock acks = new AckClock(times, 2);

    @Test
    void theRoundTripRunsFromTheCommitSentToItsAck() {
        acks.sent(1);
        clock.addAndGet(300);
        acks.sent(2);
        clock.addAndGet(700);
        acks.acked(1);
        clock.addAndGet(100);
        acks.acked(2);
        acks.sent(3);
        clock.addAndGet(50);
        acks.acked(3);

        StageSummary ack = times.summaries().get(0);
        assertThat(ack.stage()).isEqualTo(Stage.ACK);
        assertThat(ack.count()).isEqualTo(3);
        assertThat(ack.sumNanos()).isEqualTo(1000 + 800 + 50);
    }

    @Test
    void anAckReadBeforeTheWriteOfItsCommitReturnedCountsAsZero() {
        acks.acked(1);
        clock.addAndGet(400);
        acks.sent(1);

        StageSummary ack = times.summaries().get(0);
        assertThat(ack.count()).isEqualTo(1);
        assertThat(ack.maxNanos()).isZero();
    }
}
