package org.kemari.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainLinesAreRateLimitedAndCarryRateAndEta() {
        ProgressMeter m = new ProgressMeter(out, false, () -> now);
        long total = 262_144;                    // 1 GiB guest
        m.update(0, total);
        now = 1_000_000_000L;                    // 1 s: 64 MiB sent, within the 5 s quiet period
        m.update(16_384, total);
        now = 5_000_000_000L;                    // 5 s: 512 MiB sent
        m.update(131_072, total);
        now = 10_000_000_000L;                   // 10 s: done
        m.update(total, total);
        m.finish();

        assertThat(printed()).isEqualTo(
                "initial sync:   0% 0/262144 pages 0.0 MiB/s ETA --:--\n"
                        + "initial sync:  50% 131072/262144 pages 102.4 MiB/s ETA 0:05\n"
                        + "initial sync: 100% 262144/262144 pages 102.4 MiB/s ETA --:--\n");
        assertThat(printed()).doesNotContain("\r").doesNotContain("\u001b");
    }

    @Test
    void terminalGetsARedrawnBar() {
        ProgressMeter m = new ProgressMeter(out, true, () -> now);
        m.update(0, 100);
        now = 2_000_000_000L;
        m.update(25, 100);
        m.finish();

        String[] frames = printed().split("\r");
        assertThat(frames[frames.length - 1])
                .isEqualTo("\u001b[2Kinitial sync [########......................]  25% 25/100 pages 0.0 MiB/s ETA 0:06\n");
    }

    @Test
    void longEtaShowsHours() {
        ProgressMeter m = new ProgressMeter(out, false, () -> now);
        m.update(0, 10_000);
        now = 5_000_000_000L;
        m.update(1, 10_000);
        assertThat(printed()).endsWith("ETA 13:53:15\n");
    }
}
