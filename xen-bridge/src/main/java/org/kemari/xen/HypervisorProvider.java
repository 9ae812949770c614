package org.kemari.xen;

/**
 * A backend, found with {@link java.util.ServiceLoader}. {@link #unavailableReason()} lets the
 * command line say in one line why a backend cannot be used here instead of failing deep inside.
 */
public interface HypervisorProvider {

    /** "xen" or "sim". */
    String name();

    /** Null if this backend can be opened on this machine, else a one-line reason and remedy. */
    String unavailableReason();

    Hypervisor open();
}
