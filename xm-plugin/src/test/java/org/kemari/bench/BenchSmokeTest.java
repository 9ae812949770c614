package org.kemari.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.cli.Kemari;
import org.kemari.cli.Main;

/**
 * `kemari bench --quick` through the real command line and engine: it must run and produce a
 * sane table, JSON and plot. Targets are not asserted (speed belongs in the bench, not in a
 * timed test); the figures must only be measured and physically plausible.
 */
class BenchSmokeTest {
    private static final Pattern TARGET_ROW = Pattern.compile(
            "\\{\"metric\": \"([^\"]+)\", \"value\": ([^,]+), \"unit\": \"[^\"]*\", \"baseline\": ([^,]+),"
                    + " \"baseline_unit\": \"[^\"]*\", \"ratio\": ([^,]+), \"target\": \"[^\"]+\", \"met\": (true|false|null)");

    @Test
    @Timeout(120)
    void quickBenchProducesTableJsonAndPlot(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Kemari(Main.engine(), false).run(
                new String[] {"bench", "--quick", "--out", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("TERM", "dumb"));
        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit code; stderr:\n%s", err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(table).contains("| metric | value | baseline (same run) | ratio | target | met? |",
                "guest pause per epoch, D=16", "guest pause per epoch, D=4096", "guest pause, D=16: kemari's share",
                "kemari's share beyond every hypervisor call and memcpy", "epochs per second",
                "output-commit latency p99", "protected sequential 4 KiB write throughput", "wire bytes / dirty bytes",
                "request/response, 1 client: added latency p50", "request/response, 1 client: transactions/s",
                "request/response, 8 clients: added latency p99", "request/response, 8 clients: transactions/s",
                "| request-response-8 | ack |", "request/response, 8 clients, without group commit: transactions/s",
                "| request-response-8-without-group-commit | ack |",
                "replication throughput", "dirty-bitmap harvest", "failover: primary SIGKILL -> first replica output, heartbeat"
                        + " timeout 300 ms", "heartbeat timeout 100 ms", "false suspicions under load, heartbeat timeout 100 ms | not measured |", "replication cpu per MiB, all but the guest", "| replication, guest unthrottled | copy |", "scaling: pause p50, D=256",
                "scaling: pause p50, 256 MiB guest", "scaling: log-dirty clean + collect, 8192 MiB guest");

        String json = Files.readString(dir.resolve("results.json"));
        Matcher m = TARGET_ROW.matcher(json);
        int rows = 0;
        while (m.find()) {
            rows++;
            String name = m.group(1);
            if (name.startsWith("failover")) {
                assertThat(m.group(2)).as(name + ": the real daemons are not run with --quick").isEqualTo("null");
                assertThat(m.group(5)).isEqualTo("null");
                continue;
            }
            double value = Double.parseDouble(m.group(2));
            double ratio = Double.parseDouble(m.group(4));
            if (name.contains("kemari's share")) {
                // a difference of medians: finite, of either sign when the share is near zero
                assertThat(value).as(name).isFinite();
                assertThat(ratio).as(name).isFinite();
            } else if (name.contains("added latency")) {
                assertThat(value).as(name).isPositive().isFinite();
                // a difference of two measured latencies: its sign is the machine's business, not the test's
                assertThat(ratio).as(name).isFinite();
            } else {
                assertThat(value).as(name).isPositive().isFinite();
                assertThat(ratio).as(name).isPositive().isFinite();
            }
            if (!m.group(3).equals("null")) {
                assertThat(Double.parseDouble(m.group(3))).as(name + " baseline").isPositive();
            }
            assertThat(m.group(5)).as(name + " judged").isIn("true", "false");
        }
        assertThat(rows).as("target rows in results.json").isEqualTo(25);
        assertThat(json).contains("\"quick\": true", "\"commit_latency_ns\": [");
        // 4096 dirty pages must take longer to pause for than 16: the copy is inside the pause.
        Matcher pause = Pattern.compile("\"name\": \"guest pause \\(p50\\)\".*?\"points\": \\[\\[[^,]+, ([^\\]]+)\\]"
                + ".*\\[[^,]+, ([^\\]]+)\\]\\]\\}").matcher(json);
        assertThat(pause.find()).as("pause series in results.json").isTrue();
        assertThat(Double.parseDouble(pause.group(2))).isGreaterThan(Double.parseDouble(pause.group(1)));

        String svg = Files.readString(dir.resolve("bench.svg"));
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n")
                .contains("output-commit latency", "request/response latency, 1 client", "unprotected, p50 ",
                        "protected (event-tap), p50 ", "replication throughput vs dirty rate", "guest pause vs dirty pages")
                .doesNotContain("NaN", "no samples", "no data");
    }
}
