package org.kemari.ring.net;

/**
 * {@code struct netif_rx_response} (8 bytes: id u16@0, offset u16@2, flags u16@4, status i16@6):
 * {@code status} is the byte count placed in the buffer at {@code offset}, or a negative
 * {@code NETIF_RSP_*} error.
 */
public record NetifRxResponse(int id, int offset, int flags, int status) {
}
