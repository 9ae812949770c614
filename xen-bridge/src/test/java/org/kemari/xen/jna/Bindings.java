package org.kemari.xen.jna;

import java.util.List;

import org.kemari.xen.jna.bind.AbiStructure;
import org.kemari.xen.jna.bind.LibC;
import org.kemari.xen.jna.bind.PollFd;
import org.kemari.xen.jna.bind.XcDomainInfo;
import org.kemari.xen.jna.bind.XcHypercallBuffer;
import org.kemari.xen.jna.bind.XcShadowOpStats;
import org.kemari.xen.jna.bind.XenArchDomainConfig;
import org.kemari.xen.jna.bind.XenCtrl;
import org.kemari.xen.jna.bind.XenEvtchn;
import org.kemari.xen.jna.bind.XenForeignMemory;
import org.kemari.xen.jna.bind.XenGnttab;
import org.kemari.xen.jna.bind.XenStoreLib;
import org.kemari.xen.jna.bind.XenToolLog;

/** Everything in org.kemari.xen.jna.bind that crosses into C, for the checks to walk. */
final class Bindings {
    static final List<Class<?>> LIBRARIES = List.of(XenCtrl.class, XenEvtchn.class, XenGnttab.class,
            XenForeignMemory.class, XenStoreLib.class, XenToolLog.class, LibC.class);

    private Bindings() {
    }

    static List<AbiStructure> structures() {
        return List.of(new XcDomainInfo(), new XenArchDomainConfig(), new XcShadowOpStats(),
                new XcHypercallBuffer(), new PollFd());
    }

    static String soname(Class<?> library) {
        try {
            return (String) library.getField("SONAME").get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(library.getSimpleName() + " has no SONAME constant", e);
        }
    }
}
