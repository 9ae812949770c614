/*
 * kemari-iowriter: the disk-and-network workload of the testbed's hvm-io guest.
 *
 * It is the real-Xen twin of the simulator's io guest (docs/checker.md): write block b of the
 * disk with write number seq (a self-describing 4096-byte block), and when the write has
 * completed, send one acknowledgement "write seq put content with hash H in block b" out of the
 * NIC. A checker outside the pair receives the acknowledgements and, after a failover, audits
 * the surviving disk: nothing acknowledged may be lost.
 *
 * The acknowledgement travels as a bare Ethernet frame (broadcast, EtherType 0x88B5, IEEE's
 * "local experimental" type) through an AF_PACKET socket: no IP address, ARP or route is
 * needed inside the guest, and the checker finds the 40-byte record right after the 14-byte
 * Ethernet header. Writes use O_DIRECT|O_SYNC, so each one reaches the emulated disk (and its
 * cache flush) before the acknowledgement leaves.
 *
 * Everything the loop needs (seq, the block, the pending frame) lives in this process's memory
 * and registers: a replica resumed from an epoch continues the loop where that epoch left it,
 * writing again and acknowledging again what the epoch had not acknowledged yet.
 *
 * Console: "GUEST io seq=N" every 50 writes (the case follows progress through it) and
 * "GUEST error ..." on a failure, after which it keeps trying once a second.
 *
 * Static, glibc only: it runs in a busybox initramfs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM "kemari-iowriter"
#include "guest-args.h"

#define BLOCK 4096
#define HEADER 32
#define ACK_SIZE 40
#define ETHERTYPE_KEMARI 0x88B5
#define BLOCK_MAGIC 0x31304b4c42524d4bULL /* "KMRBLK01" little-endian */
#define ACK_MAGIC 0x31304b4341524d4bULL   /* "KMRACK01" little-endian */

struct options {
    const char *disk;
    const char *ifname;
    long blocks;        /* blocks cycled through, from block 0 */
    long interval_ms;   /* pause between writes */
};

static void usage(const char *why) {
    fprintf(stderr, "kemari-iowriter: %s\n"
            "usage: kemari-iowriter -d DISK -e IFNAME [-b BLOCKS] [-i INTERVAL_MS]\n", why);
    exit(2);
}


static struct options parse(int argc, char **argv) {
    struct options o = { .blocks = 1024, .interval_ms = 100 };
    int c;
    while ((c = getopt(argc, argv, "d:e:b:i:")) != -1) {
        switch (c) {
        case 'd': o.disk = optarg; break;
        case 'e': o.ifname = optarg; break;
        case 'b': o.blocks = positive("-b", optarg); break;
        case 'i': o.interval_ms = positive("-i", optarg); break;
        default: usage("unknown option");
        }
    }
    if (!o.disk || !o.ifname) {
        usage("-d and -e are required");
    }
    return o;
}

static uint64_t fnv1a64(const unsigned char *p, size_t len) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* little-endian on the wire whatever the CPU: the checker's format says so */
static void put64(unsigned char *p, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

/* The block for write seq: header, then a payload no other write produces (xorshift of seq). */
static void fill_block(unsigned char *b, uint64_t seq, uint64_t block) {
    uint64_t x = seq * 0x9E3779B97F4A7C15ULL + block + 1;
    for (int off = HEADER; off < BLOCK; off += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        put64(b + off, x);
    }
    put64(b, BLOCK_MAGIC);
    put64(b + 8, seq);
    put64(b + 16, block);
    put64(b + 24, fnv1a64(b + HEADER, BLOCK - HEADER));
}

struct nic {
    int fd;
    struct sockaddr_ll to;
    unsigned char frame[ETH_HLEN + ACK_SIZE];
};

static int open_nic(struct nic *n, const char *ifname) {
    struct ifreq ifr;
    memset(n, 0, sizeof *n);
    n->fd = socket(AF_PACKET, SOCK_RAW, htons(ETHERTYPE_KEMARI));
    if (n->fd < 0) {
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (ioctl(n->fd, SIOCGIFFLAGS, &ifr) < 0) {
        return -1;
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(n->fd, SIOCSIFFLAGS, &ifr) < 0 || ioctl(n->fd, SIOCGIFINDEX, &ifr) < 0) {
        return -1;
    }
    n->to.sll_family = AF_PACKET;
    n->to.sll_ifindex = ifr.ifr_ifindex;
    n->to.sll_halen = ETH_ALEN;
    memset(n->to.sll_addr, 0xff, ETH_ALEN);
    if (ioctl(n->fd, SIOCGIFHWADDR, &ifr) < 0) {
        return -1;
    }
    memset(n->frame, 0xff, ETH_ALEN);
    memcpy(n->frame + ETH_ALEN, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
    n->frame[12] = ETHERTYPE_KEMARI >> 8;
    n->frame[13] = ETHERTYPE_KEMARI & 0xff;
    return 0;
}

static int send_ack(struct nic *n, uint64_t seq, uint64_t block, uint64_t hash, uint64_t counter) {
    unsigned char *a = n->frame + ETH_HLEN;
    put64(a, ACK_MAGIC);
    put64(a + 8, seq);
    put64(a + 16, block);
    put64(a + 24, hash);
    put64(a + 32, counter);
    ssize_t sent = sendto(n->fd, n->frame, sizeof n->frame, 0, (struct sockaddr *)&n->to, sizeof n->to);
    return sent == (ssize_t)sizeof n->frame ? 0 : -1;
}

static void sleep_ms(long ms) {
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&t, &t) < 0 && errno == EINTR) {
    }
}

int main(int argc, char **argv) {
    struct options o = parse(argc, argv);
    unsigned char *block;
    struct nic nic;
    int disk;
    if (posix_memalign((void **)&block, BLOCK, BLOCK) != 0) {
        printf("GUEST error iowriter: no memory for an aligned block\n");
        return 1;
    }
    while ((disk = open(o.disk, O_RDWR | O_DIRECT | O_SYNC)) < 0) {
        printf("GUEST error iowriter: open %s: %s\n", o.disk, strerror(errno));
        fflush(stdout);
        sleep(1);
    }
    while (open_nic(&nic, o.ifname) < 0) {
        printf("GUEST error iowriter: %s: %s\n", o.ifname, strerror(errno));
        fflush(stdout);
        if (nic.fd >= 0) {
            close(nic.fd);
        }
        sleep(1);
    }
    printf("GUEST io start disk=%s nic=%s blocks=%ld interval=%ldms\n", o.disk, o.ifname, o.blocks, o.interval_ms);
    fflush(stdout);
    for (uint64_t seq = 0;; seq++) {
        uint64_t b = seq % (uint64_t)o.blocks;
        fill_block(block, seq, b);
        while (pwrite(disk, block, BLOCK, (off_t)(b * BLOCK)) != BLOCK) {
            printf("GUEST error iowriter: write seq=%" PRIu64 " block=%" PRIu64 ": %s\n", seq, b, strerror(errno));
            fflush(stdout);
            sleep(1);
        }
        uint64_t hash = fnv1a64(block, BLOCK);
        while (send_ack(&nic, seq, b, hash, seq + 1) < 0) {
            printf("GUEST error iowriter: ack seq=%" PRIu64 ": %s\n", seq, strerror(errno));
            fflush(stdout);
            sleep(1);
        }
        if (seq % 50 == 0) {
            printf("GUEST io seq=%" PRIu64 "\n", seq);
            fflush(stdout);
        }
        sleep_ms(o.interval_ms);
    }
}
