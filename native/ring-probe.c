/*
 * kemari ring probe: compiled against the installed Xen I/O headers (xen/io/ring.h, blkif.h,
 * netif.h), it prints every ring layout fact ringsync (org.kemari.ring) hard-codes: the shared
 * ring header, the slot of each ring type, the request and response layouts, the ring sizes of
 * a 4096-byte page and the protocol constants. RingHeadersTest compares them with the Java
 * constants, both ways. Format: probe.h. Build: gcc -std=gnu11 -Wall -Werror native/ring-probe.c
 */
#include <stdint.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include "probe.h"

/* the slot union, and where the slots start, of the ring type name##_sring */
#define RING(name) do { \
        STRUCT(union name##_sring_entry, #name "_sring_entry"); \
        FIELD(struct name##_sring, #name "_sring", ring); \
        CONST_AS("__CONST_RING_SIZE(" #name ",4096)", __CONST_RING_SIZE(name, 4096)); \
    } while (0)

static void rings(void)
{
    /* DEFINE_RING_TYPES gives every ring type the same header: one type stands for all */
    FIELD(struct blkif_sring, "blkif_sring", req_prod);
    FIELD(struct blkif_sring, "blkif_sring", req_event);
    FIELD(struct blkif_sring, "blkif_sring", rsp_prod);
    FIELD(struct blkif_sring, "blkif_sring", rsp_event);
    FIELD(struct blkif_sring, "blkif_sring", pvt);
    RING(blkif);
    RING(netif_tx);
    RING(netif_rx);
}

static void blkif(void)
{
    STRUCT(struct blkif_request, "blkif_request");
    FIELD(struct blkif_request, "blkif_request", operation);
    FIELD(struct blkif_request, "blkif_request", nr_segments);
    FIELD(struct blkif_request, "blkif_request", handle);
    FIELD(struct blkif_request, "blkif_request", id);
    FIELD(struct blkif_request, "blkif_request", sector_number);
    FIELD(struct blkif_request, "blkif_request", seg);
    STRUCT(struct blkif_request_segment, "blkif_request_segment");
    FIELD(struct blkif_request_segment, "blkif_request_segment", gref);
    FIELD(struct blkif_request_segment, "blkif_request_segment", first_sect);
    FIELD(struct blkif_request_segment, "blkif_request_segment", last_sect);
    STRUCT(struct blkif_response, "blkif_response");
    FIELD(struct blkif_response, "blkif_response", id);
    FIELD(struct blkif_response, "blkif_response", operation);
    FIELD(struct blkif_response, "blkif_response", status);

    CONST(BLKIF_OP_READ);
    CONST(BLKIF_OP_WRITE);
    CONST(BLKIF_OP_WRITE_BARRIER);
    CONST(BLKIF_OP_FLUSH_DISKCACHE);
    CONST(BLKIF_OP_RESERVED_1);
    CONST(BLKIF_OP_DISCARD);
    CONST(BLKIF_OP_INDIRECT);
    CONST(BLKIF_RSP_EOPNOTSUPP);
    CONST(BLKIF_RSP_ERROR);
    CONST(BLKIF_RSP_OKAY);
    CONST(BLKIF_MAX_SEGMENTS_PER_REQUEST);
}

static void netif(void)
{
    STRUCT(struct netif_tx_request, "netif_tx_request");
    FIELD(struct netif_tx_request, "netif_tx_request", gref);
    FIELD(struct netif_tx_request, "netif_tx_request", offset);
    FIELD(struct netif_tx_request, "netif_tx_request", flags);
    FIELD(struct netif_tx_request, "netif_tx_request", id);
    FIELD(struct netif_tx_request, "netif_tx_request", size);
    STRUCT(struct netif_tx_response, "netif_tx_response");
    FIELD(struct netif_tx_response, "netif_tx_response", id);
    FIELD(struct netif_tx_response, "netif_tx_response", status);
    STRUCT(struct netif_rx_request, "netif_rx_request");
    FIELD(struct netif_rx_request, "netif_rx_request", id);
    FIELD(struct netif_rx_request, "netif_rx_request", gref);
    STRUCT(struct netif_rx_response, "netif_rx_response");
    FIELD(struct netif_rx_response, "netif_rx_response", id);
    FIELD(struct netif_rx_response, "netif_rx_response", offset);
    FIELD(struct netif_rx_response, "netif_rx_response", flags);
    FIELD(struct netif_rx_response, "netif_rx_response", status);

    CONST(NETTXF_csum_blank);
    CONST(NETTXF_data_validated);
    CONST(NETTXF_more_data);
    CONST(NETTXF_extra_info);
    CONST(NETRXF_data_validated);
    CONST(NETRXF_csum_blank);
    CONST(NETRXF_more_data);
    CONST(NETRXF_extra_info);
    CONST(NETRXF_gso_prefix);
    CONST(NETIF_RSP_DROPPED);
    CONST(NETIF_RSP_ERROR);
    CONST(NETIF_RSP_OKAY);
    CONST(NETIF_RSP_NULL);
    CONST(XEN_NETIF_NR_SLOTS_MIN);
}

int main(void)
{
    rings();
    blkif();
    netif();
    return ferror(stdout) ? 1 : 0;
}
