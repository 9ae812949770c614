package org.kemari.xen.jna;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output of a header probe (native/abi-probe.c, native/ring-probe.c; format in
 * native/probe.h), which the build compiles against the installed Xen headers and runs (see
 * {@link TestNatives}).
 *
 * @param fields offsets by "struct.field", and sizes by "struct.field size"
 */
public record AbiProbe(Map<String, long[]> structs, Map<String, Long> fields, Map<String, Long> consts,
                Map<String, String> funcs) {

    /**
     * The output of native/{@code probe}.c; a probe that was not built fails the caller with the
     * build's reason. {@code what} names the checks that need it.
     */
    public static AbiProbe load(String probe, String what) {
        Path out = TestNatives.require(probe + ".txt", probe, what);
        try {
            return parse(Files.readAllLines(out));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + out, e);
        }
    }

    public static AbiProbe parse(List<String> lines) {
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
