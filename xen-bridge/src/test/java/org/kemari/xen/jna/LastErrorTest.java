package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;

import org.junit.jupiter.api.Test;
import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.LibC;

/** errno survives the trip from a failed C call through JNA into the exception, with strerror's text. */
class LastErrorTest {
    private final LibC libc = Native.load(LibC.SONAME, LibC.class);
    private final LastError errors = new LastError(libc);

    @Test
    void aFailedCallBecomesFunctionDomainStrerrorAndErrno() {
        assertThat(Fails.INSTANCE.close(-1)).isEqualTo(-1);

        XenException e = errors.of("xc_domain_pause", 5);

        assertThat(e.errno()).isEqualTo(9);
        assertThat(e.operation()).isEqualTo("xc_domain_pause");
        assertThat(e.domid()).isEqualTo(5);
        assertThat(e).hasMessage("xc_domain_pause(dom 5): Bad file descriptor (errno 9 EBADF)");
    }

    @Test
    void aHintFollowsTheSystemsText() {
        assertThat(errors.of("xs_open", XenException.NO_DOMAIN, 2, " (is xenstored running?)"))
                .hasMessage("xs_open: No such file or directory (is xenstored running?) (errno 2 ENOENT)");
    }

    @Test
    void aFailureWithoutErrnoSaysSo() {
        assertThat(errors.of("xc_interface_open", XenException.NO_DOMAIN, 0, ""))
                .hasMessage("xc_interface_open: failed without setting errno");
    }

    interface Fails extends Library {
        Fails INSTANCE = Native.load(LibC.SONAME, Fails.class);

        int close(int fd);
    }
}
