package org.kemari.net;

import java.util.List;

/**
 * The guest's transmitted frames a primary had read but not yet forwarded when an epoch was
 * captured, oldest first. The state that produced each of them is in that epoch, so once the
 * epoch is committed a replica may send them: at failover the replica's connector forwards the
 * last committed epoch's log before anything of its own guest. Frames the primary had already
 * forwarded are not in it; frames in it the primary forwarded after the capture reach the
 * outside world twice, as a duplicated frame may on Ethernet.
 */
public record NetOutputLog(List<byte[]> frames) {
    public static final NetOutputLog EMPTY = new NetOutputLog(List.of());

    public NetOutputLog {
        frames = List.copyOf(frames);
    }
}
