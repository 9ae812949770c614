package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

import org.junit.jupiter.api.Test;

/**
 * Loads each real Xen library by the soname its binding names and resolves every bound
 * function in it, so a misspelt name or a function bound to the wrong library fails here
 * rather than on a dom0 at the first call. Needs the libraries, not a running Xen.
 */
class SymbolsTest {

    @Test
    void everyBoundFunctionIsExportedByItsLibrary() {
        assumeFalse(Boolean.getBoolean("kemari.abi.skip"),
                "Xen symbol checks skipped by -Dkemari.abi.skip=true: bindings NOT resolved against the libraries");
        List<String> missing = new ArrayList<>();
        int resolved = 0;
        for (Class<?> lib : Bindings.LIBRARIES) {
            String soname = Bindings.soname(lib);
            NativeLibrary so;
            try {
                so = NativeLibrary.getInstance(soname);
            } catch (UnsatisfiedLinkError e) {
                missing.add(soname + " does not load (install libxen-dev 4.17)");
                continue;
            }
            for (Method m : lib.getDeclaredMethods()) {
                try {
                    String definedIn = definingObject(so.getFunction(m.getName()));
                    if (definedIn.equals(soname)) {
                        resolved++;
                    } else {
                        missing.add(m.getName() + " is bound in " + soname + " but defined in " + definedIn);
                    }
                } catch (UnsatisfiedLinkError e) {
                    missing.add(soname + " does not export " + m.getName());
                }
            }
        }
        assertThat(missing).isEmpty();
        assertThat(resolved).isGreaterThan(40);
    }

    /**
     * dlsym on a library handle also searches its dependencies (libxenctrl pulls in
     * libxentoollog), so the defining object is asked of dladdr instead.
     */
    private static String definingObject(Pointer function) {
        DlInfo info = new DlInfo();
        assertThat(Dl.INSTANCE.dladdr(function, info)).as("dladdr").isNotZero();
        return Path.of(info.dli_fname).getFileName().toString();
    }

    interface Dl extends Library {
        Dl INSTANCE = Native.load("libc.so.6", Dl.class);

        int dladdr(Pointer addr, DlInfo info);
    }

    /** Dl_info (dlfcn.h). */
    @Structure.FieldOrder({"dli_fname", "dli_fbase", "dli_sname", "dli_saddr"})
    public static class DlInfo extends Structure {
        public String dli_fname;
        public Pointer dli_fbase;
        public String dli_sname;
        public Pointer dli_saddr;
    }
}
