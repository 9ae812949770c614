package org.kemari.ring.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenStore;
import org.kemari.xen.sim.GuestInfoPage;

/**
 * What dom0 needs to connect an {@link IoGuest}'s frontends: grant references of the two rings,
 * the guest's event-channel ports, and the disk size the guest assumes. The guest publishes the
 * references and ports in xenstore, where a Linux blkfront/netfront puts them, and keeps them in
 * its info page ({@link IoGuestLayout}), which is what a replica carries to the secondary.
 */
public record FrontendParams(int blkRingRef, int blkPort, int txRingRef, int txPort, long blocks) {
    static final String VBD = "device/vbd/" + IoGuestLayout.VBD_DEVICE_ID + "/";
    static final String VIF = "device/vif/" + IoGuestLayout.VIF_DEVICE_ID + "/";
    static final String VBD_RING_REF = VBD + "ring-ref";
    static final String VBD_EVENT_CHANNEL = VBD + "event-channel";
    static final String VIF_TX_RING_REF = VIF + "tx-ring-ref";
    static final String VIF_EVENT_CHANNEL = VIF + "event-channel";

    /**
     * Reads the parameters from the guest's info page through a foreign mapping.
     *
     * @throws IllegalStateException if the domain's pfn 0 holds no io-guest parameters
     */
    public static FrontendParams fromInfoPage(Hypervisor hv, int domid) {
        try (ForeignMapping m = hv.map(domid, new long[] {GuestInfoPage.PFN}, 1, false)) {
            ByteBuffer info = m.page(0).duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (info.getLong(IoGuestLayout.MAGIC) != IoGuestLayout.MAGIC_VALUE) {
                throw new IllegalStateException("dom" + domid + " is not an io guest: no KMRIOG01 magic at pfn "
                        + GuestInfoPage.PFN + " offset " + IoGuestLayout.MAGIC);
            }
            return new FrontendParams((int) info.getLong(IoGuestLayout.BLK_RING_REF), (int) info.getLong(IoGuestLayout.BLK_PORT),
                    (int) info.getLong(IoGuestLayout.TX_RING_REF), (int) info.getLong(IoGuestLayout.TX_PORT),
                    info.getLong(IoGuestLayout.BLOCKS));
        }
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
    void advertise(XenStore store, String home) {
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
