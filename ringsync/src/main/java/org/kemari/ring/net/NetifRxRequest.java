package org.kemari.ring.net;

/** {@code struct netif_rx_request} (8 bytes: id u16@0, 2 bytes padding, gref u32@4): an empty receive buffer. */
public record NetifRxRequest(int id, int gref) {
}
