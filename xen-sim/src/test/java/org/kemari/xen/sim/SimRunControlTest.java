package org.kemari.xen.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.kemari.xen.DomainConfig;
import org.kemari.xen.DomainState;
import org.kemari.xen.DomainType;
import org.kemari.xen.Errno;
import org.kemari.xen.ForeignMapping;
import org.kemari.xen.Hypervisor;
import org.kemari.xen.Hypervisors;
import org.kemari.xen.VcpuContext;
import org.kemari.xen.XenException;

/** Simulator-only run control: what the TCK cannot observe from dom0. */
class SimRunControlTest extends SimHostFixture {
    /** A program whose steps take a while and report when they are in flight. */
    private static final long SLOW_ENTRY = 0xffffffff8f000000L;
    private static final AtomicInteger IN_STEP = new AtomicInteger();

    static {
        GuestProgram.register(SLOW_ENTRY, (vcpu, cpu, memory, guest) -> {
            IN_STEP.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            int counter = GuestInfoPage.progressOffset(vcpu);
            memory.putLong(GuestInfoPage.PFN, counter, memory.getLong(GuestInfoPage.PFN, counter) + 1);
            IN_STEP.decrementAndGet();
        });
    }

    @Test
    void pauseReturnsOnlyOnceNoStepIsInFlight() {
        int domid = slowGuest();
        awaitProgress(domid, 0, 5);
        for (int i = 0; i < 50; i++) {
            hv.pause(domid);
            assertThat(IN_STEP.get()).as("steps in flight after pause #%d", i).isZero();
            long held = host.progress(domid, 0) + host.progress(domid, 1);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
            assertThat(host.progress(domid, 0) + host.progress(domid, 1)).isEqualTo(held);
            hv.unpause(domid);
        }
    }

    @Test
    void theControllerPauseCountStopsAt255() {
        int domid = host.createGuest(GuestSpec.memtouch("deep"));
        for (int i = 0; i < 255; i++) {
            hv.pause(domid);
        }
        assertThatThrownBy(() -> hv.pause(domid)).isInstanceOfSatisfying(XenException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EOVERFLOW));
    }

    @Test
    void aGuestThatCorruptsItsWorkingSetCrashes() {
        int domid = host.createGuest(GuestSpec.memtouch("crash"));
        hv.pause(domid);
        try (ForeignMapping m = hv.map(domid, new long[] {GuestInfoPage.PFN}, 1, true)) {
            m.page(0).order(ByteOrder.LITTLE_ENDIAN).putLong(MemTouch.WS_PAGES_OFFSET, 0);
        }
        hv.unpause(domid);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hv.domain(domid).state() != DomainState.CRASHED && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        assertThat(hv.domain(domid).state()).isEqualTo(DomainState.CRASHED);
        assertThat(host.crashReason(domid)).contains("memtouch").contains("working set");
    }

    @Test
    void pausedAndHaltedVcpusBurnNoCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int paused = host.createGuest(GuestSpec.memtouch("idle-paused").withVcpus(2).withStepsPerSecond(0));
        hv.pause(paused);
        int halted = hv.createDomain(new DomainConfig("idle-halted", DomainType.HVM, 1024, 2));
        hv.unpause(halted);
        assertThat(hv.domain(halted).state()).isEqualTo(DomainState.BLOCKED);
        long before = cpuNanos(threads);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        long used = cpuNanos(threads) - before;
        assertThat(used).as("CPU ns of 4 idle vcpu threads over 300 ms").isLessThan(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void untouchedGuestMemoryCostsNothing() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        long before = direct.getMemoryUsed();
        int domid = host.createGuest(GuestSpec.memtouch("big").withMemoryMiB(1024).withWorkingSetPages(256));
        awaitProgress(domid, 0, 100);
        assertThat(hv.domain(domid).maxPages()).isEqualTo(262_144);
        assertThat(direct.getMemoryUsed() - before).as("direct memory of a 1 GiB guest touching 257 pages")
                .isLessThan(16L << 20);
    }

    @Test
    void hostsAreIndependent() {
        try (SimHost other = new SimHost()) {
            int domid = host.createGuest(GuestSpec.memtouch("only-here"));
            Hypervisor there = other.open();
            assertThatThrownBy(() -> there.domain(domid)).isInstanceOf(XenException.class);
            assertThat(there.domains()).hasSize(1);
            assertThat(other.open().lookup("0").name()).isEqualTo("Domain-0");
        }
    }

    @Test
    void theSimProviderIsFoundByName() {
        try (Hypervisor sim = Hypervisors.open("sim")) {
            assertThat(sim.backend()).isEqualTo("sim");
            assertThat(sim.domain(0).name()).isEqualTo("Domain-0");
        }
    }

    @Test
    void domainNamesAreUnique() {
        host.createGuest(GuestSpec.memtouch("twice"));
        assertThatThrownBy(() -> hv.createDomain(new DomainConfig("twice", DomainType.HVM, 256, 1)))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
    }

    @Test
    void destroyStopsTheVcpuThreads() {
        int domid = host.createGuest(GuestSpec.memtouch("threads").withVcpus(3));
        String prefix = host.tag + "-d" + domid + "-";
        assertThat(liveThreads(prefix)).isEqualTo(3);
        hv.destroy(domid);
        assertThat(liveThreads(prefix)).isZero();
    }

    @Test
    void steppingNeedsAPausedDomain() {
        int domid = host.createGuest(GuestSpec.memtouch("step"));
        assertThatThrownBy(() -> host.runSteps(domid, 1)).isInstanceOfSatisfying(XenException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        hv.pause(domid);
        long before = host.progress(domid, 0);
        host.runSteps(domid, 7);
        assertThat(host.progress(domid, 0)).isEqualTo(before + 7);
    }

    private int slowGuest() {
        int domid = hv.createDomain(new DomainConfig("slow", DomainType.PVH, 256, 2));
        host.guest(domid).memory().putLong(GuestInfoPage.PFN, GuestInfoPage.MAGIC_OFFSET, GuestInfoPage.MAGIC);
        for (int v = 0; v < 2; v++) {
            GuestCpu cpu = new GuestCpu();
            cpu.rip = SLOW_ENTRY;
            cpu.online = true;
            hv.setVcpuContext(domid, new VcpuContext(v, cpu.toVcpuContext()));
        }
        hv.unpause(domid);
        return domid;
    }

    private void awaitProgress(int domid, int vcpu, long steps) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (host.progress(domid, vcpu) < steps) {
            assertThat(System.nanoTime()).as("dom%d vcpu%d reaching %d steps", domid, vcpu, steps).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private long cpuNanos(ThreadMXBean threads) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(host.tag + "-")) {
                sum += threads.getThreadCpuTime(t.getId());
            }
        }
        return sum;
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }
}
