package org.kemari.xen.sim.guest;

import static org.kemari.xen.sim.guest.RequestServerLayout.*;

import org.kemari.ring.guest.FrontendParams;
import org.kemari.ring.net.Netif;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.XenStore;
import org.kemari.xen.sim.GuestInfoPage;
import org.kemari.xen.sim.GuestMemory;
import org.kemari.xen.sim.SimGuest;
import org.kemari.xen.sim.SimHost;

/**
 * Boots a {@link RequestServer} on a simulated host, doing what its netfront would: initialise
 * both rings of one vif, grant them and the buffers to dom0, post every receive buffer, allocate
 * the vif's event-channel port (one for both directions, as netfront without split channels
 * uses), and advertise rings and port in xenstore. Dom0 connects with what {@link #boot} returns.
 */
public final class RequestServerBoot {

    private RequestServerBoot() {
    }

    /** What dom0 needs to attach a netback to the server's vif. */
    public record Vif(int domid, int rxRingRef, int txRingRef, int port) {
    }

    /** Creates domain {@code config.name()} on {@code host} and starts it serving; dom0 then attaches to the {@link Vif}. */
    public static Vif boot(SimHost host, RequestServerConfig config) {
        RequestServer.install();
        try (Hypervisor hv = host.open()) {
            int domid = hv.createDomain(new DomainConfig(config.name(), DomainType.HVM, config.memoryMiB() * 256, 1));
            try {
                Vif vif = setUpVif(host.guest(domid), config);
                hv.setVcpuContext(domid, VcpuEntry.at(hv.vcpuContext(domid, 0), RequestServer.ENTRY, config.seed()));
                hv.unpause(domid);
                return vif;
            } catch (RuntimeException e) {
                hv.destroy(domid);
                throw e;
            }
        }
    }

    private static Vif setUpVif(SimGuest guest, RequestServerConfig config) {
        GuestMemory memory = guest.memory();
        long info = GuestInfoPage.PFN;
        InfoPageRings.init(memory, RX_RING_PFN, Netif.RX);
        InfoPageRings.init(memory, TX_RING_PFN, Netif.TX);
        int rxRingRef = guest.grantAccess(0, RX_RING_PFN, false);
        int txRingRef = guest.grantAccess(0, TX_RING_PFN, false);
        for (int i = 0; i < BUFFERS; i++) {
            memory.putLong(info, RX_BUFFER_REFS + 8 * i, guest.grantAccess(0, RX_BUFFER_PFN + i, false));
            memory.putLong(info, TX_BUFFER_REFS + 8 * i, guest.grantAccess(0, TX_BUFFER_PFN + i, true));
        }
        int port = guest.allocUnboundPort(0);
        memory.putLong(info, GuestInfoPage.STEPS_PER_SECOND_OFFSET, config.stepsPerSecond());
        memory.putLong(info, GuestInfoPage.VCPUS_OFFSET, 1);
        memory.putLong(info, WS_BASE, WORKING_SET_BASE);
        memory.putLong(info, WS_PAGES, config.workingSetPages());
        memory.putLong(info, TOUCHES_PER_STEP, config.touchesPerStep());
        memory.putLong(info, PORT, port);
        memory.putLong(info, RX_RING_REF, rxRingRef);
        memory.putLong(info, TX_RING_REF, txRingRef);
        for (int i = 0; i < BUFFERS; i++) {
            RequestServer.repost(memory, i);
        }
        memory.putLong(info, MAGIC, MAGIC_VALUE);
        memory.putLong(info, GuestInfoPage.MAGIC_OFFSET, GuestInfoPage.MAGIC);
        String vif = "device/vif/" + FrontendParams.VIF_DEVICE_ID + "/";
        try (XenStore store = guest.xenstore()) {
            store.write(vif + "tx-ring-ref", Integer.toString(txRingRef));
            store.write(vif + "rx-ring-ref", Integer.toString(rxRingRef));
            store.write(vif + "event-channel", Integer.toString(port));
        }
        return new Vif(guest.domid(), rxRingRef, txRingRef, port);
    }
}
