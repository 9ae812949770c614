/**
 * Xen shared I/O rings as dom0 sees them, and the backends Kemari runs on them.
 *
 * <ul>
 *   <li>{@link org.kemari.ring.SharedRing}, {@link org.kemari.ring.FrontRing},
 *       {@link org.kemari.ring.BackRing}: {@code io/ring.h} over a {@link java.nio.ByteBuffer}
 *       of guest memory, with the same index arithmetic, event-index protocol and memory
 *       ordering; {@link org.kemari.ring.RingProtocol} describes one ring type
 *       ({@link org.kemari.ring.blk.Blkif}, {@link org.kemari.ring.net.Netif#TX},
 *       {@link org.kemari.ring.net.Netif#RX}).</li>
 *   <li>{@link org.kemari.ring.RingBackend} and {@link org.kemari.ring.RequestGate}: the seam
 *       event-tap plugs into, deciding when a backend consumes; {@link org.kemari.ring.EventDispatch}
 *       routes a frontend's event to its gate.</li>
 *   <li>{@link org.kemari.ring.blk.BlockBackend} (raw image on shared storage),
 *       {@link org.kemari.ring.net.NetTxBackend} and {@link org.kemari.ring.net.NetRxBackend}
 *       (frames over a {@link org.kemari.ring.net.PacketLink}, e.g. UDP).</li>
 *   <li>{@link org.kemari.ring.RingReattach}: failover onto replicated rings
 *       (docs/ring-reattach.md).</li>
 * </ul>
 *
 * <p>Not covered: the xenbus handshake (ring-ref, event-channel and feature nodes in xenstore);
 * callers map the ring and bind the port, then build the backend.
 */
package org.kemari.ring;
