/*
 * kemari-dirtier: the workload of the testbed guest.
 *
 * A replicated guest is only interesting if it changes: this program dirties a steady number
 * of pages per second over a fixed working set (what log-dirty harvesting has to keep up
 * with), and makes its progress observable from outside in two independent ways, so a test
 * can tell "the guest ran" from "the guest's I/O reached the backend":
 *   - console: one line "GUEST tick N dirtied=D" per tick (xenconsoled logs it in dom0);
 *   - disk:    sector 0 of the disk holds "KEMARI-DISK-TICK N" (written O_DIRECT + O_SYNC,
 *              so it goes through blkfront/blkback at every tick).
 * Page 0 of the working set carries a header with a magic string and the tick counter. With
 * -p the working set is the physical range at that address (reserved from the kernel with
 * memmap=SIZE$ADDR and mapped through /dev/mem), so dom0 knows the guest frames of the counter
 * and of the working set without asking the guest -- what a hypervisor test needs to check
 * log-dirty and memory copies page by page. The counter is read from memory and written back
 * +1 at every tick, so a value dom0 writes there (a restored epoch) is continued from.
 *
 * Static, no libc beyond what glibc -static gives: it runs as the only program of a busybox
 * initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM "kemari-dirtier"
#include "guest-args.h"

#define PAGE 4096L
#define SECTOR 512
#define MAGIC "KEMARI-DIRTIER-1"

struct header {                 /* page 0 of the working set */
    char magic[16];
    volatile uint64_t tick;
    volatile uint64_t pages_dirtied;
    uint64_t working_set_pages;
};

struct options {
    long ws_mib;                /* working set */
    long pages_per_sec;         /* dirty rate */
    long interval_ms;           /* one tick */
    long max_ticks;             /* 0 = forever */
    const char *disk;           /* NULL = console only */
    unsigned long long phys;    /* 0 = anonymous memory, else the physical address of the working set */
};

static void usage(const char *why) {
    fprintf(stderr, "kemari-dirtier: %s\n"
            "usage: kemari-dirtier [-w WORKING_SET_MIB] [-r PAGES_PER_SEC] [-i TICK_MS] [-n MAX_TICKS] [-d DISK]\n"
            "                      [-p PHYS_ADDR (page-aligned; the range must be reserved with memmap=)]\n",
            why);
    exit(2);
}


static struct options parse(int argc, char **argv) {
    struct options o = { .ws_mib = 16, .pages_per_sec = 1000, .interval_ms = 100 };
    int c;
    char *end;
    while ((c = getopt(argc, argv, "w:r:i:n:d:p:")) != -1) {
        switch (c) {
        case 'w': o.ws_mib = positive("-w", optarg); break;
        case 'r': o.pages_per_sec = positive("-r", optarg); break;
        case 'i': o.interval_ms = positive("-i", optarg); break;
        case 'n': o.max_ticks = positive("-n", optarg); break;
        case 'd': o.disk = optarg; break;
        case 'p':
            o.phys = strtoull(optarg, &end, 0);
            if (*end || o.phys == 0 || o.phys % PAGE) usage("-p wants a non-zero page-aligned address");
            break;
        default: usage("unknown option");
        }
    }
    if (optind != argc) usage("unexpected argument");
    return o;
}

/* Opens the disk for synchronous direct writes; NULL-safe so the console counter keeps going
 * (and the test sees "disk=none") if the backend never connected. */
static int open_disk(const char *path) {
    if (!path) return -1;
    int fd = open(path, O_WRONLY | O_DIRECT | O_SYNC);
    if (fd < 0) printf("GUEST disk %s unusable: %s\n", path, strerror(errno));
    return fd;
}

static int write_disk_tick(int fd, char *sector, uint64_t tick) {
    memset(sector, 0, SECTOR);
    snprintf(sector, SECTOR, "KEMARI-DISK-TICK %" PRIu64 "\n", tick);
    return pwrite(fd, sector, SECTOR, 0) == SECTOR ? 0 : -1;
}

static char *map_working_set(const struct options *o, long pages) {
    if (!o->phys)
        return mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    int fd = open("/dev/mem", O_RDWR);
    if (fd < 0) return MAP_FAILED;
    char *ws = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t) o->phys);
    close(fd);
    return ws;
}

static void advance(struct timespec *t, long ms) {
    t->tv_nsec += ms * 1000000L;
    while (t->tv_nsec >= 1000000000L) {
        t->tv_nsec -= 1000000000L;
        t->tv_sec++;
    }
}

int main(int argc, char **argv) {
    struct options o = parse(argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);

    long pages = o.ws_mib * 1024 * 1024 / PAGE;
    if (o.pages_per_sec * o.interval_ms / 1000 >= pages - 1)
        usage("working set must exceed the pages dirtied per tick");

    char *ws = map_working_set(&o, pages);
    if (ws == MAP_FAILED) {
        printf("GUEST error: cannot map the %ld MiB working set%s: %s\n", o.ws_mib,
               o.phys ? " through /dev/mem (is it reserved with memmap=?)" : "", strerror(errno));
        return 1;
    }
    /* locked so the dirty pages stay the same guest frames (nothing to swap to anyway) */
    mlock(ws, pages * PAGE);
    struct header *h = (struct header *) ws;
    memcpy(h->magic, MAGIC, sizeof h->magic);
    h->working_set_pages = pages;

    char *sector = NULL;
    if (posix_memalign((void **) &sector, PAGE, PAGE)) return 1;
    int disk = open_disk(o.disk);
    int disk_failed = 0;

    printf("GUEST dirtier start ws_pages=%ld pages_per_sec=%ld tick_ms=%ld disk=%s phys=0x%llx counter=%" PRIu64 "\n",
           pages, o.pages_per_sec, o.interval_ms, disk >= 0 ? o.disk : "none", o.phys, h->tick);

    long cursor = 1;            /* page 0 is the header */
    /* The rate is kept against the clock, not per tick: under emulation a tick (console line,
     * synchronous disk write) can take longer than its interval, and a fixed number of pages
     * per tick would then fall below the rate the test expects. */
    struct timespec base, next;
    clock_gettime(CLOCK_MONOTONIC, &base);
    next = base;
    uint64_t since_base = 0;
    for (long round = 1; o.max_ticks == 0 || round <= o.max_ticks; round++) {
        uint64_t tick = h->tick + 1;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        /* after a pause (xl pause, a checkpoint) neither burst through the missed time nor
         * skip ticks: the rate restarts from here */
        if (now.tv_sec > next.tv_sec + 1) {
            base = next = now;
            since_base = 0;
        }
        double elapsed = (now.tv_sec - base.tv_sec) + (now.tv_nsec - base.tv_nsec) / 1e9;
        uint64_t due = (uint64_t) (elapsed * o.pages_per_sec) + 1;
        long n = due > since_base ? (long) (due - since_base) : 0;
        if (n > pages - 1) n = pages - 1;
        for (long i = 0; i < n; i++) {
            /* the first word of a page = the tick that last wrote it: content a replica can check */
            *(volatile uint64_t *) (ws + cursor * PAGE) = tick;
            if (++cursor == pages) cursor = 1;
        }
        since_base += n;
        h->pages_dirtied += n;
        h->tick = tick;
        if (disk >= 0 && write_disk_tick(disk, sector, tick) && !disk_failed) {
            printf("GUEST disk write failed at tick %" PRIu64 ": %s\n", tick, strerror(errno));
            disk_failed = 1;
        }
        printf("GUEST tick %" PRIu64 " dirtied=%" PRIu64 "\n", tick, h->pages_dirtied);
        advance(&next, o.interval_ms);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
        }
    }
    return 0;
}
