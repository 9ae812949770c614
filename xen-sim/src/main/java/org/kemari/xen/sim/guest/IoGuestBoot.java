package org.kemari.xen.sim.guest;

import static org.kemari.xen.sim.guest.IoGuestLayout.*;

import org.kemari.ring.guest.FrontendParams;
import org.kemari.ring.guest.DeviceBackends;
import org.kemari.ring.blk.Blkif;
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
 * Boots an {@link IoGuest} on a simulated host, doing what its kernel's blkfront and netfront
 * would at boot: initialise the shared rings in its own frames, grant them and the I/O buffers
 * to dom0, allocate one event-channel port per device for dom0 to bind (vbd first, then vif:
 * the order dom0 repeats on failover), advertise ring references and ports in xenstore, and
 * record everything in the info page.
 *
 * <p>Modelled: a vbd with one ring and one data frame, and the transmit half of a vif. The vif
 * has no receive ring (the workload receives nothing), so no {@code rx-ring-ref} is advertised;
 * there is no xenbus state handshake either: dom0 connects to whatever the entries name.
 */
public final class IoGuestBoot {
    private IoGuestBoot() {
    }

    /**
     * Creates domain {@code config.name()} on {@code host}, sets its devices up and starts it
     * running the io guest. Returns the domid. Dom0 then connects with {@link DeviceBackends#connect};
     * a write the guest posts before that waits on the ring.
     */
    public static int boot(SimHost host, IoGuestConfig config) {
        IoGuest.install();
        try (Hypervisor hv = host.open()) {
            int domid = hv.createDomain(new DomainConfig(config.name(), DomainType.HVM, config.memoryMiB() * 256,
                    config.vcpus()));
            try {
                setUpDevices(host.guest(domid), config);
                for (int v = 0; v < config.vcpus(); v++) {
                    hv.setVcpuContext(domid, VcpuEntry.at(hv.vcpuContext(domid, v), IoGuest.ENTRY, config.seed()));
                }
                hv.unpause(domid);
                return domid;
            } catch (RuntimeException e) {
                hv.destroy(domid);
                throw e;
            }
        }
    }

    private static void setUpDevices(SimGuest guest, IoGuestConfig config) {
        GuestMemory memory = guest.memory();
        InfoPageRings.init(memory, BLK_RING_PFN, Blkif.PROTOCOL);
        InfoPageRings.init(memory, TX_RING_PFN, Netif.TX);
        int blkRingRef = guest.grantAccess(0, BLK_RING_PFN, false);
        int blkDataRef = guest.grantAccess(0, BLK_DATA_PFN, true);
        int txRingRef = guest.grantAccess(0, TX_RING_PFN, false);
        int txBufferRef = guest.grantAccess(0, TX_BUFFER_PFN, true);
        int blkPort = guest.allocUnboundPort(0);
        int txPort = guest.allocUnboundPort(0);

        long info = GuestInfoPage.PFN;
        memory.putLong(info, GuestInfoPage.STEPS_PER_SECOND_OFFSET, config.stepsPerSecond());
        memory.putLong(info, GuestInfoPage.VCPUS_OFFSET, config.vcpus());
        memory.putLong(info, WS_BASE, WORKING_SET_BASE);
        memory.putLong(info, WS_PAGES, config.workingSetPages());
        memory.putLong(info, TOUCHES_PER_STEP, config.touchesPerStep());
        memory.putLong(info, WRITE_INTERVAL, config.writeInterval());
        memory.putLong(info, BLOCKS, config.blocks());
        memory.putLong(info, BLK_RING_PFN_AT, BLK_RING_PFN);
        memory.putLong(info, BLK_RING_REF, blkRingRef);
        memory.putLong(info, BLK_PORT, blkPort);
        memory.putLong(info, BLK_DATA_PFN_AT, BLK_DATA_PFN);
        memory.putLong(info, BLK_DATA_REF, blkDataRef);
        memory.putLong(info, TX_RING_PFN_AT, TX_RING_PFN);
        memory.putLong(info, TX_RING_REF, txRingRef);
        memory.putLong(info, TX_PORT, txPort);
        memory.putLong(info, TX_BUFFER_PFN_AT, TX_BUFFER_PFN);
        memory.putLong(info, TX_BUFFER_REF, txBufferRef);
        memory.putLong(info, MAGIC, MAGIC_VALUE);
        memory.putLong(info, GuestInfoPage.MAGIC_OFFSET, GuestInfoPage.MAGIC);
        try (XenStore store = guest.xenstore()) {
            new FrontendParams(blkRingRef, blkPort, txRingRef, txPort, config.blocks()).advertise(store, "");
        }
    }
}
