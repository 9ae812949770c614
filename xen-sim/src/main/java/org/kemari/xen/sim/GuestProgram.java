package org.kemari.xen.sim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Code a simulated vcpu executes. A program keeps all its state in guest memory and in the
 * vcpu's registers, never in Java fields, so that a replica loaded from a copy of memory and
 * context continues exactly where the original was. Which program a vcpu runs is decided by
 * its instruction pointer ({@link GuestCpu#rip}), i.e. by the context too.
 *
 * <p>Programs other than {@link MemTouch} (e.g. guests with block or network frontends) are
 * added with {@link #register}; they reach event channels, grants and xenstore through the
 * {@link SimGuest} passed to {@link #step}.
 */
public interface GuestProgram {

    /**
     * Executes one step of vcpu {@code vcpu}. A step must be short (microseconds): pause waits
     * for the step in progress to finish.
     *
     * @throws GuestFault if the guest's own state makes it crash (the domain is then crashed)
     */
    void step(int vcpu, GuestCpu cpu, GuestMemory memory, SimGuest guest);

    /** The program whose code starts at {@code rip}, or null: a vcpu there is halted. */
    static GuestProgram forEntry(long rip) {
        return Registry.PROGRAMS.get(rip);
    }

    /** Makes {@code program} the code at {@code entry}; a vcpu whose rip is {@code entry} runs it. */
    static void register(long entry, GuestProgram program) {
        GuestProgram old = Registry.PROGRAMS.putIfAbsent(entry, program);
        if (old != null && old != program) {
            throw new IllegalStateException("guest program entry 0x" + Long.toHexString(entry)
                    + " already belongs to " + old.getClass().getName());
        }
    }

    /** Holder so the registry is initialised with the built-in programs. */
    final class Registry {
        private static final Map<Long, GuestProgram> PROGRAMS = new ConcurrentHashMap<>(
                Map.of(MemTouch.ENTRY, new MemTouch()));

        private Registry() {
        }
    }
}
