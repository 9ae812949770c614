package org.kemari.xen.jna.bind;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/** The few libc.so.6 calls the Xen libraries' conventions need (poll on their fds, free, strerror). */
public interface LibC extends Library {
    String SONAME = "libc.so.6";

    int POLLIN = 1;
    /** Set in revents when the descriptor is not open. */
    int POLLNVAL = 32;
    /** mmap protections, also taken by xenforeignmemory_map and xengnttab_map_grant_ref. */
    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int EINTR = 4;
    int EAGAIN = 11;

    /** {@code nfds} is nfds_t (unsigned long). */
    int poll(PollFd fds, long nfds, int timeoutMillis);

    void free(Pointer p);

    String strerror(int errnum);
}
