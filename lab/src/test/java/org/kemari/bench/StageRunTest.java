package org.kemari.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageSummary;

class StageRunTest {

    @Test
    void eachStageOfEachRunIsARowInMilliseconds() {
        StageRun run = new StageRun("write-throughput", List.of(
                new StageSummary(Stage.COPY, 40, 8_000_000, 40, 150_000, 300_000, 450_000, 500_000),
                new StageSummary(Stage.APPLY, 40, 40_000_000, 40, 1_000_000, 1_500_000, 2_250_000, 2_500_000)));

        assertThat(StageRun.table(List.of(run)).lines()).containsExactly(
                "| run | stage | in stop | epochs | p50 ms | p90 ms | p99 ms | max ms |",
                "|---|---|---|---|---|---|---|---|",
                "| write-throughput | copy | yes | 40 | 0.150 | 0.300 | 0.450 | 0.500 |",
                "| write-throughput | apply | no | 40 | 1.000 | 1.500 | 2.250 | 2.500 |");
    }
}
