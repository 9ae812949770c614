package org.kemari.xen.jna;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import org.kemari.xen.Hypervisor;
import org.kemari.xen.HypervisorProvider;
import org.kemari.xen.XenException;

/**
 * The real-Xen backend. Deliberately free of JNA types so that asking whether it is usable
 * never loads a native library (or JNA itself) on a machine that is not a dom0: the privcmd
 * device is checked first, then JNA, then the tool libraries.
 */
public final class XenProvider implements HypervisorProvider {
    static final Path PRIVCMD = Path.of("/dev/xen/privcmd");

    private final Path privcmd;
    private final List<String> sonames;
    private final Predicate<Path> readableAndWritable;

    public XenProvider() {
        this(PRIVCMD, XenLibraries.SONAMES);
    }

    /** For tests: another privcmd path and library list. */
    XenProvider(Path privcmd, List<String> sonames) {
        this(privcmd, sonames, p -> Files.isReadable(p) && Files.isWritable(p));
    }

    /**
     * For tests: also how access to privcmd is judged. Root passes access(2) whatever a file's
     * mode, and CI runs as root, so only a stand-in shows the refusal a non-root user gets.
     */
    XenProvider(Path privcmd, List<String> sonames, Predicate<Path> readableAndWritable) {
        this.privcmd = privcmd;
        this.sonames = List.copyOf(sonames);
        this.readableAndWritable = readableAndWritable;
    }

    @Override
    public String name() {
        return "xen";
    }

    @Override
    public String unavailableReason() {
        if (!Files.exists(privcmd)) {
            return privcmd + " not found: this machine is not a Xen dom0"
                    + " (boot it under Xen with the xen-privcmd module loaded)";
        }
        if (!readableAndWritable.test(privcmd)) {
            return privcmd + " is not readable and writable by this user: run kemari as root in dom0";
        }
        if (!jnaPresent()) {
            return "JNA (net.java.dev.jna:jna) is not on the class path: the xen backend needs it";
        }
        return XenLibraries.firstMissing(sonames);
    }

    @Override
    public Hypervisor open() {
        String why = unavailableReason();
        if (why != null) {
            throw new XenException("xen backend", XenException.NO_DOMAIN, 0, why);
        }
        return new XenHypervisor(XenLibraries.load());
    }

    private static boolean jnaPresent() {
        try {
            Class.forName("com.sun.jna.Native", false, XenProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
