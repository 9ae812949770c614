package org.kemari.xen.jna;

import java.util.List;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.LibC;
import org.kemari.xen.jna.bind.XenCtrl;
import org.kemari.xen.jna.bind.XenEvtchn;
import org.kemari.xen.jna.bind.XenForeignMemory;
import org.kemari.xen.jna.bind.XenGnttab;
import org.kemari.xen.jna.bind.XenStoreLib;
import org.kemari.xen.jna.bind.XenToolLog;

/** The loaded tool libraries, by versioned soname so a different Xen ABI is refused at load. */
record XenLibraries(XenCtrl ctrl, XenEvtchn evtchn, XenGnttab gnttab, XenForeignMemory fmem,
                    XenStoreLib xs, XenToolLog xtl, LibC libc) {

    static final List<String> SONAMES = List.of(XenCtrl.SONAME, XenEvtchn.SONAME, XenGnttab.SONAME,
            XenForeignMemory.SONAME, XenStoreLib.SONAME, XenToolLog.SONAME);

    /** Null if every library loads, else a one-line reason naming the first that does not. */
    static String firstMissing(List<String> sonames) {
        for (String soname : sonames) {
            try {
                NativeLibrary.getInstance(soname);
            } catch (UnsatisfiedLinkError e) {
                return reason(soname);
            }
        }
        return null;
    }

    static XenLibraries load() {
        return new XenLibraries(load(XenCtrl.SONAME, XenCtrl.class), load(XenEvtchn.SONAME, XenEvtchn.class),
                load(XenGnttab.SONAME, XenGnttab.class), load(XenForeignMemory.SONAME, XenForeignMemory.class),
                load(XenStoreLib.SONAME, XenStoreLib.class), load(XenToolLog.SONAME, XenToolLog.class),
                load(LibC.SONAME, LibC.class));
    }

    /** libc's {@code stderr} FILE *, for the quiet loggers. */
    Pointer stderr() {
        return NativeLibrary.getInstance(LibC.SONAME).getGlobalVariableAddress("stderr").getPointer(0);
    }

    private static <T extends Library> T load(String soname, Class<T> binding) {
        try {
            return Native.load(soname, binding);
        } catch (UnsatisfiedLinkError e) {
            throw new XenException("xen backend", XenException.NO_DOMAIN, 0, reason(soname), e);
        }
    }

    private static String reason(String soname) {
        return soname + " cannot be loaded: install the Xen 4.17 tool libraries"
                + " (Debian 12: apt-get install xen-utils-4.17)";
    }
}
