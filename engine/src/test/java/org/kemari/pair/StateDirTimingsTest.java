package org.kemari.pair;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageSummary;
import org.kemari.metrics.Exposition;

class StateDirTimingsTest {
    private static final EpochTimings TIMINGS = new EpochTimings(7, 300, 1_234_567, List.of(
            new StageSummary(Stage.PAUSE, 7, 70_000, 7, 9_000, 12_000, 12_000, 12_000),
            new StageSummary(Stage.ACK, 7, 7_000_000, 7, 900_000, 1_100_000, 1_300_000, 1_300_000)));

    @TempDir
    Path dir;

    @Test
    void timingsRoundTripAndTheMetricsFileIsWellFormed() throws Exception {
        StateDir state = new StateDir(dir);
        assertThat(state.readTimings("web1")).isEmpty();

        state.writeTimings("web1", PairRole.SECONDARY, TIMINGS);

        assertThat(state.readTimings("web1")).contains(TIMINGS);
        assertThat(Exposition.parse(Files.readString(dir.resolve("web1.prom"))))
                .containsEntry("kemari_epoch_stage_seconds{pair=\"web1\",quantile=\"0.9\",role=\"secondary\",stage=\"ack\"}", 0.0011);
        assertThat(dir.toFile().list()).as("no temporary file is left").containsExactlyInAnyOrder("web1.timings", "web1.prom");
    }

    @Test
    void aStaleDaemonsTimingsGoWithItsState() {
        StateDir state = new StateDir(dir);
        state.write(new PairState("web1", PairRole.PRIMARY, 1, Instant.EPOCH, "web1", "b:8102", PairPhase.PROTECTED, 7, Instant.EPOCH));
        state.writeTimings("web1", PairRole.PRIMARY, TIMINGS);

        state.clearStale("web1");

        assertThat(dir.toFile().list()).isEmpty();
    }
}
