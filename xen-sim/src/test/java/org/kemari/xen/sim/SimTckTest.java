package org.kemari.xen.sim;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.tck.GuestAgent;
import org.kemari.xen.tck.HypervisorTck;
import org.kemari.xen.tck.TckTarget;

/** The whole hypervisor TCK against the simulator, with its exact stepping and guest agent. */
class SimTckTest extends HypervisorTck {
    private static final SimHost HOST = new SimHost();
    /** Small and quick: 16 MiB, 2 vcpus over 256 pages at 2000 steps/s each. */
    private static final TckTarget TARGET = new TckTarget() {
        @Override
        public Hypervisor open() {
            return HOST.open();
        }

        @Override
        public int startGuest(Hypervisor hv, String name) {
            return HOST.createGuest(GuestSpec.memtouch(name).withMemoryMiB(16).withVcpus(2)
                    .withWorkingSetPages(256).withStepsPerSecond(2000));
        }

        @Override
        public GuestLayout layout() {
            return new GuestLayout(GuestInfoPage.PFN, GuestInfoPage.progressOffset(0), 1, 256);
        }

        @Override
        public int createBlankLike(Hypervisor hv, int domid, String name) {
            return hv.createDomain(DomainConfig.like(hv.domain(domid), name));
        }

        @Override
        public OptionalInt createPvDomain(Hypervisor hv, String name) {
            return OptionalInt.of(hv.createDomain(new DomainConfig(name, DomainType.PV, 1024, 1)));
        }

        @Override
        public boolean canStep() {
            return true;
        }

        @Override
        public void step(int domid, long steps) {
            HOST.runSteps(domid, steps);
        }

        @Override
        public Optional<GuestAgent> agent(int domid) {
            SimGuest g = HOST.guest(domid);
            return Optional.of(new GuestAgent() {
                @Override
                public int allocUnboundPort(int remoteDomid) {
                    return g.allocUnboundPort(remoteDomid);
                }

                @Override
                public int bindInterdomain(int remoteDomid, int remotePort) {
                    return g.bindInterdomain(remoteDomid, remotePort);
                }

                @Override
                public void notify(int port) {
                    g.notify(port);
                }

                @Override
                public OptionalInt awaitEvent(Duration timeout) {
                    return g.awaitEvent(timeout);
                }

                @Override
                public int grantAccess(int grantee, long pfn, boolean readonly) {
                    return g.grantAccess(grantee, pfn, readonly);
                }

                @Override
                public boolean endAccess(int ref) {
                    return g.endAccess(ref);
                }
            });
        }
    };

    @AfterAll
    static void stopHost() {
        HOST.close();
    }

    @Override
    protected TckTarget tckTarget() {
        return TARGET;
    }
}
