package org.kemari.ft.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StageTimesTest {
    private final AtomicLong clock = new AtomicLong();
    private final StageTimes times = new StageTimes(clock::get);

    @Test
    void percentilesAreNearestRankOfTheSamples() {
        for (long ns = 100; ns >= 1; ns--) {
            times.record(Stage.COPY, ns);
        }
        StageSummary s = times.summaries().get(0);
        assertThat(s).isEqualTo(new StageSummary(Stage.COPY, 100, 5050, 100, 50, 90, 99, 100));
    }

    @Test
    void fewSamplesRoundUpToTheNextRank() {
        times.record(Stage.SEND, 30);
        times.record(Stage.SEND, 10);
        times.record(Stage.SEND, 20);
        StageSummary s = times.summaries().get(0);
        assertThat(s.p50Nanos()).as("rank ceil(0.5 x 3) = 2").isEqualTo(20);
        assertThat(s.p90Nanos()).as("rank ceil(0.9 x 3) = 3").isEqualTo(30);
        assertThat(s.p99Nanos()).isEqualTo(30);
        assertThat(s.maxNanos()).isEqualTo(30);
    }

    @Test
    void percentilesAreOfTheLastWindowWhileCountAndSumAreOfEverySample() {
        int total = StageTimes.WINDOW + 976;
        for (long ns = 1; ns <= total; ns++) {
            times.record(Stage.STOP, ns);
        }
        StageSummary s = times.summaries().get(0);
        long oldest = total - StageTimes.WINDOW + 1;
        assertThat(s.count()).isEqualTo(total);
        assertThat(s.sumNanos()).isEqualTo((long) total * (total + 1) / 2);
        assertThat(s.window()).isEqualTo(StageTimes.WINDOW);
        assertThat(s.p50Nanos()).isEqualTo(oldest + StageTimes.WINDOW / 2 - 1);
        assertThat(s.maxNanos()).isEqualTo(total);
    }

    @Test
    void aLapRecordsTheClockSinceItsStartAndStartsTheNext() {
        clock.set(1_000);
        long start = times.now();
        clock.addAndGet(250);
        long next = times.lap(Stage.PAUSE, start);
        clock.addAndGet(40);
        times.lap(Stage.UNPAUSE, next);

        assertThat(times.summaries()).extracting(StageSummary::stage, StageSummary::maxNanos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Stage.PAUSE, 250L),
                        org.assertj.core.groups.Tuple.tuple(Stage.UNPAUSE, 40L));
        assertThat(times.count(Stage.COPY)).as("a stage never recorded is not reported").isZero();
    }

    @Test
    void everyStageHasItsOwnWord() {
        for (Stage s : Stage.values()) {
            assertThat(Stage.ofWord(s.word())).contains(s);
            assertThat(s.word()).matches("[a-z][a-z-]*");
        }
        assertThat(Stage.ofWord("nap")).isEmpty();
    }
}
