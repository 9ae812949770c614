package org.kemari.ring.net;

/** {@code struct netif_tx_response} (4 bytes: id u16@0, status i16@2). */
public record NetifTxResponse(int id, int status) {
}
