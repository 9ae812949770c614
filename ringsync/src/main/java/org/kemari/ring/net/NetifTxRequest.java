package org.kemari.ring.net;

/**
 * {@code struct netif_tx_request} (12 bytes: gref u32@0, offset u16@4, flags u16@6, id u16@8,
 * size u16@10). In the first slot of a packet {@code size} is the whole packet's length; in the
 * following ones ({@link Netif#TXF_MORE_DATA} chain) it is that fragment's length.
 */
public record NetifTxRequest(int gref, int offset, int flags, int id, int size) {

    public boolean hasMoreData() {
        return (flags & Netif.TXF_MORE_DATA) != 0;
    }

    public boolean hasExtraInfo() {
        return (flags & Netif.TXF_EXTRA_INFO) != 0;
    }
}
