package org.kemari.cli;

import org.kemari.config.PairConfig;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainType;
import org.kemari.xen.Hypervisor;

/**
 * The real command line with an engine that replicates nothing: protect and receive just serve
 * as the pair's daemon until asked to stop, and the guest is created on the simulated host.
 * Lets tests drive daemon start, status, stop and the Pacemaker agent across real processes
 * while the replication engine is not wired in.
 */
public final class HoldingEngineMain {
    /** 64 MiB: the smallest plausible guest; nothing touches its memory. */
    private static final long GUEST_PAGES = 16_384;

    private HoldingEngineMain() {
    }

    public static void main(String[] args) {
        Engine holding = new TestEngine() {
            @Override
            public void prepareHost(PairConfig pair, Hypervisor hv) {
                if (hv.domains().stream().noneMatch(d -> d.name().equals(pair.domain()))) {
                    hv.createDomain(new DomainConfig(pair.domain(), DomainType.PVH, GUEST_PAGES, 1));
                }
            }

            @Override
            public ExitCode protect(PairSession s) {
                return hold(s, "protected");
            }

            @Override
            public ExitCode receive(PairSession s) {
                return hold(s, "waiting");
            }
        };
        System.exit(new Kemari(holding, false).run(args, System.out, System.err, System.getenv()));
    }

    private static ExitCode hold(PairSession s, String phase) {
        s.control().report(phase, -1);
        try {
            while (!s.control().awaitStop(1000)) {
                s.control().report(phase, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }
}
