package org.kemari.xen.sim.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.kemari.ring.guest.FrontendLocator;
import org.kemari.ring.guest.FrontendParams;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestInfoPage;

/**
 * The simulator's {@link FrontendLocator}: an {@link IoGuest} keeps its frontend parameters in its
 * info page ({@link IoGuestLayout}), which is what a replica carries to the secondary.
 */
public final class InfoPageFrontends implements FrontendLocator {

    @Override
    public String backend() {
        return "sim";
    }

    /**
     * Reads the parameters from the guest's info page through a foreign mapping.
     *
     * @throws IllegalStateException if the domain's pfn 0 holds no io-guest parameters
     */
    @Override
    public FrontendParams locate(Hypervisor hv, int domid) {
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
}
