/**
 * Raw JNA bindings to the Xen 4.17 tool libraries: one interface per shared object, loaded by
 * its versioned soname, with signatures, structures and constants copied from the installed
 * headers. Nothing here is friendly or checked; {@code org.kemari.xen.jna} builds the
 * {@link org.kemari.xen.Hypervisor} on top. The build compiles {@code native/abi-probe.c}
 * against the headers and a test compares every structure offset, constant and function
 * signature declared here with what the compiler saw, so drift fails the build.
 *
 * <p>Naming: constants keep their C spelling (including lower case, e.g.
 * {@code XEN_DOMINF_paused}) so the probe comparison is by name; C {@code bool} returns are
 * mapped to {@code byte} because JNA's {@code boolean} is a 32-bit int and glibc/gcc only
 * set the low byte of the return register.
 */
package org.kemari.xen.jna.bind;
