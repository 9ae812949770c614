package org.kemari.xen.sim;

import java.util.concurrent.TimeUnit;

/**
 * The physical CPU time of one vcpu: a thread that executes the vcpu's program in short bursts
 * while the domain may run, paced to the guest's steps-per-second, and sleeps on the domain's
 * condition otherwise (halted, paused, or ahead of its pace), so an idle host burns no CPU.
 */
final class VcpuRunner implements Runnable {
    /** Longest burst between checks for a pause: keeps pause latency in microseconds. */
    private static final int MAX_BURST = 64;

    private final SimDomain domain;
    private final int vcpu;
    private final SimGuest guest;
    private final Thread thread;
    /** Pacing restarts after every stop, so a long pause is not followed by a catch-up burst. */
    private long pacedSinceNanos = -1;
    private long pacedSteps;

    VcpuRunner(SimDomain domain, int vcpu, SimGuest guest) {
        this.domain = domain;
        this.vcpu = vcpu;
        this.guest = guest;
        this.thread = new Thread(this, domain.threadPrefix + "-vcpu" + vcpu);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void join(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (true) {
            GuestProgram program;
            int burst;
            domain.lock.lock();
            try {
                program = runnable();
                if (program == null) {
                    if (domain.dying()) {
                        return;
                    }
                    pacedSinceNanos = -1;
                    domain.changed.awaitUninterruptibly();
                    continue;
                }
                burst = dueSteps(stepsPerSecond());
                if (burst <= 0) {
                    domain.changed.awaitNanos(nanosToNextStep(stepsPerSecond()));
                    continue;
                }
                domain.enterStep();
            } catch (InterruptedException e) {
                return; // only destroy interrupts, and the thread then has nothing left to do
            } finally {
                domain.lock.unlock();
            }
            int done = 0;
            try {
                while (done < burst && domain.execute(vcpu, program, guest)) {
                    done++;
                }
            } finally {
                pacedSteps += done;
                domain.lock.lock();
                try {
                    domain.leaveStep();
                } finally {
                    domain.lock.unlock();
                }
            }
        }
    }

    private GuestProgram runnable() {
        return domain.mayRun() ? domain.programOf(vcpu) : null;
    }

    private long stepsPerSecond() {
        return domain.memory.getLong(GuestInfoPage.PFN, GuestInfoPage.STEPS_PER_SECOND_OFFSET);
    }

    private int dueSteps(long rate) {
        long now = System.nanoTime();
        if (pacedSinceNanos < 0) {
            pacedSinceNanos = now;
            pacedSteps = 0;
        }
        if (rate <= 0) {
            return MAX_BURST;
        }
        long due = (long) ((now - pacedSinceNanos) / 1e9 * rate) + 1 - pacedSteps;
        return (int) Math.max(0, Math.min(MAX_BURST, due));
    }

    private long nanosToNextStep(long rate) {
        long next = pacedSinceNanos + (long) (pacedSteps * 1e9 / rate);
        return Math.max(TimeUnit.MICROSECONDS.toNanos(50), next - System.nanoTime());
    }
}
