package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import com.sun.jna.Library;
import com.sun.jna.Native;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kemari.xen.XenException;
import org.kemari.xen.jna.bind.LibC;

/** The bounded wait behind EventChannels.pending and XenStore.readWatch, on a real pipe. */
class FdWaitTest {
    private static final Pipes PIPES = Native.load(LibC.SONAME, Pipes.class);
    private final LibC libc = Native.load(LibC.SONAME, LibC.class);
    private final FdWait wait = new FdWait(libc, new LastError(libc));
    private final int[] fds = new int[2];

    @BeforeEach
    void openPipe() {
        assertThat(PIPES.pipe(fds)).isZero();
    }

    @AfterEach
    void closePipe() {
        // closing twice could close a descriptor the JVM has reused meanwhile
        for (int i = 0; i < 2; i++) {
            if (fds[i] >= 0) {
                PIPES.close(fds[i]);
            }
        }
    }

    @Test
    void timesOutWhenNothingArrives() {
        long t0 = System.nanoTime();
        assertThat(wait.readable(fds[0], Duration.ofMillis(30), "test")).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
    }

    @Test
    void zeroTimeoutOnlyLooks() {
        assertThat(wait.readable(fds[0], Duration.ZERO, "test")).isFalse();
        PIPES.write(fds[1], new byte[] {1}, 1);
        assertThat(wait.readable(fds[0], Duration.ZERO, "test")).isTrue();
    }

    @Test
    void returnsAsSoonAsDataIsThere() {
        PIPES.write(fds[1], new byte[] {1}, 1);
        assertThat(wait.readable(fds[0], Duration.ofSeconds(10), "test")).isTrue();
    }

    @Test
    void aClosedDescriptorIsAnErrorNotATimeout() {
        int closed = fds[0];
        PIPES.close(closed);
        fds[0] = -1;
        assertThatThrownBy(() -> wait.readable(closed, Duration.ofSeconds(10), "xenevtchn_fd"))
                .isInstanceOf(XenException.class)
                .hasMessage("poll(xenevtchn_fd): descriptor " + closed + " is not open (errno 9 EBADF)");
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThatThrownBy(() -> wait.readable(fds[0], Duration.ofMillis(-1), "xs_fileno"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("xs_fileno: negative timeout PT-0.001S");
    }

    interface Pipes extends Library {
        int pipe(int[] fds);

        long write(int fd, byte[] buf, long count);

        int close(int fd);
    }
}
