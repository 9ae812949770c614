package org.kemari.pair;

import java.util.function.BooleanSupplier;
import org.kemari.ft.EpochId;

/** The devices' share of one replication stream ({@link GuestDevices#stream}). */
interface DeviceStream extends AutoCloseable {
    /** Devices with nothing of their own to send. */
    DeviceStream NONE = (first, stop) -> first;

    /**
     * After the stream's first epoch: sends what the devices hold outside the guest's memory (a
     * disk's initial copy) and returns the first acknowledged epoch from which the replica can
     * take over, {@code first} if there was nothing to send; null if {@code stop} said so first.
     *
     * @throws org.kemari.ft.send.ReplicationException if the stream failed on the way (the message says why)
     */
    EpochId ready(EpochId first, BooleanSupplier stop) throws InterruptedException;

    @Override
    default void close() throws InterruptedException {
    }
}
