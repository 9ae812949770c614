package org.kemari.ft.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kemari.ft.EpochContributor;
import org.kemari.ft.EpochId;
import org.kemari.ft.OpaqueRecord;
import org.kemari.ft.timing.Stage;
import org.kemari.ft.timing.StageSummary;
import org.kemari.ft.timing.StageTimes;
import org.kemari.ft.wire.Wire;
import org.kemari.xen.DirtyBitmap;
import org.kemari.xen.DomainInfo;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.GrantTables;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.sim.GuestSpec;
import org.kemari.xen.sim.SimHost;

/**
 * Each step of a capture lands in its own stage: the simulated hypervisor's calls advance a
 * fake clock by a cost of their own, so every stage's time is known exactly.
 */
class CaptureStagesTest {
    private static final int VCPUS = 2;
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final SimHost host = new SimHost();
    private final Hypervisor sim = host.open();

    @AfterEach
    void tearDown() {
        host.close();
    }

    @Test
    void everyStepOfTheStopIsTimedAsItsStage() {
        int domid = host.createGuest(GuestSpec.memtouch("timed").withMemoryMiB(8).withVcpus(VCPUS));
        Hypervisor hv = costed(Hypervisor.class, sim, Map.of("pause", 1_000L, "cleanLogDirty", 20_000L, "map", 300_000L,
                "unpause", 4_000L, "hvmContext", 70_000L, "vcpuContext", 50_000L));
        DomainInfo guest = sim.domain(domid);
        sim.enableLogDirty(domid);
        DirtyBitmap ram = GuestRam.of(sim, domid, guest.maxGpfn() + 1);
        StageTimes times = new StageTimes(clock::get);
        try (GrantTables grants = costed(GrantTables.class, sim.openGrantTables(), Map.of("snapshot", 6_000L))) {
            List<EpochContributor> contributors = List.of(
                    contributing(OpaqueRecord.Kind.EVENT_TAP_LOG, 600_000),
                    epoch -> {
                        clock.addAndGet(5);
                        return List.of();
                    },
                    new StoppingContributor());
            CapturedEpoch into = new CapturedEpoch();
            into.reset(1);

            new EpochCapture(hv, guest, grants, contributors, ram, why -> { }, times).capture(into, ram);

            long pages = into.pages.count();
            long batches = (pages + Wire.MAX_BATCH_PAGES - 1) / Wire.MAX_BATCH_PAGES;
            assertThat(pages).as("every RAM page was dirty").isEqualTo(ram.cardinality());
            Map<Stage, Long> expected = new EnumMap<>(Stage.class);
            expected.put(Stage.PAUSE, 1_000L);
            expected.put(Stage.SETTLE, 0L);
            expected.put(Stage.HARVEST, 20_000L);
            expected.put(Stage.MAP, batches * (300_000 + UNMAP));
            expected.put(Stage.COPY, pages * PAGE);
            expected.put(Stage.CONTEXT, 70_000L + VCPUS * 50_000L);
            expected.put(Stage.GRANTS, 6_000L);
            expected.put(Stage.EVENT_TAP_LOG, 600_000L);
            expected.put(Stage.QUIESCE, 2_000_000L);
            expected.put(Stage.HVM_PLATFORM, 800_000L);
            expected.put(Stage.RESUME, 300_000L);
            expected.put(Stage.UNPAUSE, 4_000L);
            long inStages = expected.values().stream().mapToLong(Long::longValue).sum();
            expected.put(Stage.STOP, inStages + 5);
            assertThat(times(times)).as("a contributor that adds nothing is in the stop, not in a stage").isEqualTo(expected);
            assertThat(into.pausedNanos).isEqualTo(inStages + 5);
        }
    }

    private static final long UNMAP = 10_000;
    private static final long PAGE = 7;

    private static Map<Stage, Long> times(StageTimes times) {
        Map<Stage, Long> out = new EnumMap<>(Stage.class);
        for (StageSummary s : times.summaries()) {
            assertThat(s.count()).as(s.stage().word()).isEqualTo(1);
            out.put(s.stage(), s.maxNanos());
        }
        return out;
    }

    /** A contributor that also stops something while the guest is paused, as an HVM guest's device model does. */
    private final class StoppingContributor implements EpochContributor {
        @Override
        public void quiesce(EpochId epoch) {
            clock.addAndGet(2_000_000);
        }

        @Override
        public List<OpaqueRecord> capture(EpochId epoch) {
            clock.addAndGet(800_000);
            return List.of(new OpaqueRecord(OpaqueRecord.Kind.HVM_PLATFORM, new byte[] {1}));
        }

        @Override
        public void resume() {
            clock.addAndGet(300_000);
        }
    }

    private EpochContributor contributing(OpaqueRecord.Kind kind, long cost) {
        return epoch -> {
            clock.addAndGet(cost);
            return List.of(new OpaqueRecord(kind, new byte[] {1}));
        };
    }

    /** {@code target} whose methods named in {@code costs} advance the clock; its foreign mappings cost per page and per unmap. */
    private <T> T costed(Class<T> type, T target, Map<String, Long> costs) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            clock.addAndGet(costs.getOrDefault(method.getName(), 0L));
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return result instanceof ForeignMapping m
                    ? costed(ForeignMapping.class, m, Map.of("page", PAGE, "close", UNMAP)) : result;
        }));
    }
}
