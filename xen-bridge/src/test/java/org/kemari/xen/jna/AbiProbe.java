package org.kemari.xen.jna;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output of native/abi-probe.c, which the build compiles against the installed Xen headers
 * (native/run-abi-probe.sh). Missing output is a failure, not a skip, unless the build was run
 * with -Dkemari.abi.skip=true.
 */
/**
 * @param fields offsets by "struct.field", and sizes by "struct.field size"
 */
record AbiProbe(Map<String, long[]> structs, Map<String, Long> fields, Map<String, Long> consts,
                Map<String, String> funcs) {

    static AbiProbe load() {
        assumeFalse(Boolean.getBoolean("kemari.abi.skip"),
                "Xen ABI checks skipped by -Dkemari.abi.skip=true: the JNA bindings are NOT verified against the headers");
        Path dir = Path.of(System.getProperty("kemari.abi.dir", "target/abi-probe"));
        Path out = dir.resolve("abi-probe.txt");
        try {
            if (!Files.exists(out)) {
                Path err = dir.resolve("abi-probe.err");
                String why = Files.exists(err) ? Files.readString(err).strip()
                        : "the build did not run native/run-abi-probe.sh into " + dir;
                throw new AssertionError("Xen ABI probe has no output (" + why + "); install gcc and libxen-dev 4.17,"
                        + " or build with -Dkemari.abi.skip=true to skip the ABI checks knowingly");
            }
            return parse(Files.readAllLines(out));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + out, e);
        }
    }

    static AbiProbe parse(List<String> lines) {
        Map<String, long[]> structs = new LinkedHashMap<>();
        Map<String, Long> fields = new LinkedHashMap<>();
        Map<String, Long> consts = new LinkedHashMap<>();
        Map<String, String> funcs = new LinkedHashMap<>();
        for (String line : lines) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "struct" -> structs.put(w[1], new long[] {Long.parseLong(w[3]), Long.parseLong(w[5])});
                case "field" -> {
                    fields.put(w[1], Long.parseLong(w[2]));
                    fields.put(w[1] + " size", Long.parseLong(w[4]));
                }
                case "const" -> consts.put(w[1], Long.parseLong(w[2]));
                case "func" -> funcs.put(w[1], w[2]);
                default -> throw new AssertionError("unexpected ABI probe line: " + line);
            }
        }
        return new AbiProbe(structs, fields, consts, funcs);
    }
}
