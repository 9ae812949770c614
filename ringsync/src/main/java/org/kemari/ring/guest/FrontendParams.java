package org.kemari.ring.guest;

import java.util.Optional;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenStore;

/**
 * What dom0 needs to connect a guest's frontends: grant references of the two rings, the guest's
 * event-channel ports, and the disk size the guest assumes. The guest publishes the references
 * and ports in xenstore, where a Linux blkfront/netfront puts them; where a backend finds them
 * for a replica (which carries no xenstore) is the backend's business: {@link FrontendLocator}.
 */
public record FrontendParams(int blkRingRef, int blkPort, int txRingRef, int txPort, long blocks) {
    /** The xenstore device ids of the vbd (xvda) and the vif the frontends advertise. */
    public static final int VBD_DEVICE_ID = 51712;
    public static final int VIF_DEVICE_ID = 0;
    static final String VBD = "device/vbd/" + VBD_DEVICE_ID + "/";
    static final String VIF = "device/vif/" + VIF_DEVICE_ID + "/";
    static final String VBD_RING_REF = VBD + "ring-ref";
    static final String VBD_EVENT_CHANNEL = VBD + "event-channel";
    static final String VIF_TX_RING_REF = VIF + "tx-ring-ref";
    static final String VIF_EVENT_CHANNEL = VIF + "event-channel";

    /**
     * Finds the parameters of {@code domid}'s frontends with the {@link FrontendLocator} of
     * {@code hv}'s backend.
     *
     * @throws IllegalStateException if the backend has no locator or the domain has no such frontends
     */
    public static FrontendParams of(Hypervisor hv, int domid) {
        return FrontendLocator.forBackend(hv.backend()).locate(hv, domid);
    }

    /**
     * Checks that the frontends' xenstore entries under {@code /local/domain/<domid>/} say what
     * the info page says, so dom0 connects to what the guest's drivers advertised.
     *
     * @throws IllegalStateException naming the first entry that is missing or differs
     */
    public void requireAdvertisedIn(XenStore store, int domid) {
        String home = "/local/domain/" + domid + "/";
        requireEntry(store, home + VBD_RING_REF, blkRingRef);
        requireEntry(store, home + VBD_EVENT_CHANNEL, blkPort);
        requireEntry(store, home + VIF_TX_RING_REF, txRingRef);
        requireEntry(store, home + VIF_EVENT_CHANNEL, txPort);
    }

    /** Writes the frontend entries under {@code home} (relative for the guest, absolute for dom0). */
    public void advertise(XenStore store, String home) {
        store.write(home + VBD_RING_REF, Integer.toString(blkRingRef));
        store.write(home + VBD_EVENT_CHANNEL, Integer.toString(blkPort));
        store.write(home + VIF_TX_RING_REF, Integer.toString(txRingRef));
        store.write(home + VIF_EVENT_CHANNEL, Integer.toString(txPort));
    }

    private static void requireEntry(XenStore store, String path, int expected) {
        Optional<String> value = store.read(path);
        if (value.isEmpty()) {
            throw new IllegalStateException("xenstore " + path + " is missing: the frontend has not advertised its ring");
        }
        if (!value.get().trim().equals(Integer.toString(expected))) {
            throw new IllegalStateException("xenstore " + path + " is '" + value.get() + "' but the guest's info page says "
                    + expected);
        }
    }
}
