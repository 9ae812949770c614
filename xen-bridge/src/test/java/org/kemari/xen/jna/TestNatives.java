package org.kemari.xen.jna;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What native/build-for-tests.sh built against the installed Xen headers. A missing piece is a
 * failure with the build's reason, not a skip, unless the build ran with -Dkemari.abi.skip=true.
 */
public final class TestNatives {
    private TestNatives() {
    }

    /** {@code file} in the native build directory; {@code what} names the checks that need it. */
    public static Path require(String file, String errName, String what) {
        assumeFalse(Boolean.getBoolean("kemari.abi.skip"),
                what + " skipped by -Dkemari.abi.skip=true: NOT verified against Xen's headers");
        Path dir = Path.of(System.getProperty("kemari.native.dir", "target/native"));
        Path built = dir.resolve(file);
        if (Files.exists(built)) {
            return built;
        }
        Path err = dir.resolve(errName + ".err");
        String why;
        try {
            why = Files.exists(err) ? Files.readString(err).strip()
                    : "the build did not run native/build-for-tests.sh into " + dir;
        } catch (IOException e) {
            why = "cannot read " + err + ": " + e.getMessage();
        }
        throw new AssertionError(what + ": " + built + " was not built (" + why + "); install gcc and libxen-dev 4.17,"
                + " or build with -Dkemari.abi.skip=true to skip these checks knowingly");
    }
}
