package org.kemari.xen.jna.bind;

import com.sun.jna.Structure;

/** struct pollfd (poll.h): waiting on the event-channel and xenstore watch descriptors. */
@Structure.FieldOrder({"fd", "events", "revents"})
public class PollFd extends AbiStructure {
    public int fd;
    public short events;
    public short revents;

    @Override
    public String cName() {
        return "pollfd";
    }
}
