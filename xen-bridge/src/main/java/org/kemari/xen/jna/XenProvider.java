package org.kemari.xen.jna;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    public XenProvider() {
        this(PRIVCMD, XenLibraries.SONAMES);
    }

    /** For tests: another privcmd path and library list. */
    XenProvider(Path privcmd, List<String> sonames) {
        this.privcmd = privcmd;
        this.sonames = List.copyOf(sonames);
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
        if (!Files.isReadable(privcmd) || !Files.isWritable(privcmd)) {
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
