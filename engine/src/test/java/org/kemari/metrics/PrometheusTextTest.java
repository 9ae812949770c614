package org.kemari.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kemari.ft.timing.EpochTimings;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageSummary;

class PrometheusTextTest {
    private static final EpochTimings TIMINGS = new EpochTimings(120, 4_000, 9_000_000, List.of(
            new StageSummary(Stage.COPY, 120, 60_000_000, 120, 400_000, 900_000, 1_200_000, 1_500_000),
            new StageSummary(Stage.STOP, 120, 240_000_000, 120, 2_000_000, 3_000_000, 3_500_000, 4_000_000)));

    @Test
    void everyStageIsASummaryWithItsMaximumAndTheCountersFollow() {
        Map<String, Double> samples = Exposition.parse(PrometheusText.render("web1", "primary", TIMINGS));

        String copy = "{pair=\"web1\",quantile=\"0.5\",role=\"primary\",stage=\"copy\"}";
        assertThat(samples).containsEntry("kemari_epoch_stage_seconds" + copy, 0.0004)
                .containsEntry("kemari_epoch_stage_seconds{pair=\"web1\",quantile=\"0.99\",role=\"primary\",stage=\"stop\"}", 0.0035)
                .containsEntry("kemari_epoch_stage_seconds_sum{pair=\"web1\",role=\"primary\",stage=\"copy\"}", 0.06)
                .containsEntry("kemari_epoch_stage_seconds_count{pair=\"web1\",role=\"primary\",stage=\"stop\"}", 120.0)
                .containsEntry("kemari_epoch_stage_max_seconds{pair=\"web1\",role=\"primary\",stage=\"stop\"}", 0.004)
                .containsEntry("kemari_epochs_total{pair=\"web1\",role=\"primary\"}", 120.0)
                .containsEntry("kemari_epoch_pages_total{pair=\"web1\",role=\"primary\"}", 4000.0)
                .containsEntry("kemari_stream_bytes_total{pair=\"web1\",role=\"primary\"}", 9.0E6);
        assertThat(samples).hasSize(2 * 6 + 3);
    }

    @Test
    void aPairNameIsEscapedAsALabelValue() {
        Map<String, Double> samples = Exposition.parse(PrometheusText.render("a\"b\\c", "secondary",
                new EpochTimings(0, 0, 0, List.of())));

        assertThat(samples).containsEntry("kemari_epochs_total{pair=\"a\\\"b\\\\c\",role=\"secondary\"}", 0.0);
    }

    @Test
    void theCheckRefusesWhatTheFormatForbids() {
        String ok = "# TYPE x summary\nx{quantile=\"0.5\"} 1\nx_sum 1\nx_count 1\n";
        assertThat(Exposition.parse(ok)).hasSize(3);
        assertThatThrownBy(() -> Exposition.parse("x 1")).hasMessageContaining("line feed");
        assertThatThrownBy(() -> Exposition.parse("x 1 1700000000\n")).hasMessageContaining("no timestamp");
        assertThatThrownBy(() -> Exposition.parse("# TYPE x summary\nx 1\n")).hasMessageContaining("quantile label");
        assertThatThrownBy(() -> Exposition.parse("x 1\ny 1\nx{a=\"1\"} 2\n")).hasMessageContaining("not together");
        assertThatThrownBy(() -> Exposition.parse("x 1\n# TYPE x gauge\n")).hasMessageContaining("TYPE after samples");
        assertThatThrownBy(() -> Exposition.parse("x{a=\"\\t\"} 1\n")).hasMessageContaining("a label");
        assertThatThrownBy(() -> Exposition.parse("x{a=\"1\",a=\"2\"} 1\n")).hasMessageContaining("twice");
        assertThatThrownBy(() -> Exposition.parse("x 1\nx 2\n")).hasMessageContaining("a sample twice");
        assertThatThrownBy(() -> Exposition.parse("x 1,5\n")).hasMessageContaining("a float value");
        assertThatThrownBy(() -> Exposition.parse("x-y 1\n")).hasMessageContaining("metric name");
        assertThatThrownBy(() -> Exposition.parse("# TYPE x counter\nx -1\n")).hasMessageContaining("not negative");
    }
}
