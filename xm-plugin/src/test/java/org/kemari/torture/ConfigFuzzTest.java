package org.kemari.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kemari.cli.Engine;
import org.kemari.cli.ExitCode;
import org.kemari.cli.Kemari;
import org.kemari.torture.DemoPair;

/**
 * Mutations of a working pairing config (lines dropped, duplicated, re-indented, values
 * replaced with junk, bytes inserted, the file cut short) through {@code kemari config check}:
 * every one is accepted or refused with exit 3 and exactly one line on stderr that names the
 * file — never a stack trace, another exit code, or silence.
 */
class ConfigFuzzTest {
    private static final int CASES = 400;
    private static final String[] JUNK = {"", "-1", "0", "abc", "99999999999999999999", "1.5", "[", "{", "'", "\"",
        "0ms", "1h", "-5ms", "null", "~", "\t", "&a", "*a", "!!binary AAAA", "[1, 2]", "{a: b}", "x".repeat(5000),
        "127.0.0.1:70000", ":", "::1", "::1:", "yes", "\u0000", "\u00e9\u00e8", "%", "1e3ms"};

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void everyMutationIsAcceptedOrRefusedInOneLine() throws Exception {
        long seed = TestSeed.of("ConfigFuzzTest");
        Random random = new Random(seed);
        List<String> base = Files.readAllLines(DemoPair.write(dir, 7001, 7002,
                new InetSocketAddress("127.0.0.1", 7003)).config());
        Kemari kemari = new Kemari(Engine.NONE, false);
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            Path file = dir.resolve("case-" + i + ".yaml");
            String what = mutate(base, random, file);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = kemari.run(new String[] {"config", "check", file.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("TERM", "dumb"));
            String e = err.toString(StandardCharsets.UTF_8);
            String where = "case " + i + " (" + what + ", seed " + seed + "): exit " + code + ", stderr:\n" + e;
            assertThat(code).as(where).isIn(ExitCode.OK.code(), ExitCode.CONFIG.code());
            if (code != 0) {
                refused++;
                assertThat(e).as(where).endsWith("\n").doesNotContain("\tat ").contains(file.getFileName().toString());
                assertThat(e.indexOf('\n')).as("exactly one line: " + where).isEqualTo(e.length() - 1);
            }
        }
        assertThat(refused).as("the mutations must mostly break the config, or they prove nothing").isGreaterThan(CASES / 2);
    }

    private static String mutate(List<String> base, Random random, Path file) throws Exception {
        List<String> lines = new ArrayList<>(base);
        int at = 1 + random.nextInt(lines.size() - 1);
        String what;
        switch (random.nextInt(6)) {
            case 0 -> {
                what = "line " + (at + 1) + " dropped";
                lines.remove(at);
            }
            case 1 -> {
                what = "line " + (at + 1) + " duplicated";
                lines.add(at, lines.get(at));
            }
            case 2 -> {
                what = "line " + (at + 1) + " re-indented";
                lines.set(at, " ".repeat(random.nextInt(5)) + lines.get(at).strip());
            }
            case 3 -> {
                String junk = JUNK[random.nextInt(JUNK.length)];
                String line = lines.get(at);
                int colon = line.indexOf(':');
                what = "line " + (at + 1) + " value '" + junk.substring(0, Math.min(20, junk.length())) + "'";
                lines.set(at, colon < 0 ? junk : line.substring(0, colon + 1) + " " + junk);
            }
            case 4 -> {
                byte[] noise = new byte[1 + random.nextInt(16)];
                random.nextBytes(noise);
                what = "random bytes at line " + (at + 1);
                lines.add(at, new String(noise, StandardCharsets.ISO_8859_1));
            }
            default -> {
                String all = String.join("\n", lines);
                int cut = random.nextInt(all.length());
                what = "cut at byte " + cut;
                Files.writeString(file, all.substring(0, cut), StandardCharsets.ISO_8859_1);
                return what;
            }
        }
        Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1));
        return what;
    }
}
