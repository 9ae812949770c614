package org.kemari.xen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kemari.xen.DirtyBitmap;

class DirtyLogTest {

    @Test
    void marksRacingHarvestsAreNeverLost() throws InterruptedException {
        int frames = 1 << 16;
        DirtyLog log = new DirtyLog(frames);
        log.enable();
        CountDownLatch done = new CountDownLatch(2);
        Runnable writer = () -> {
            for (int pfn = 0; pfn < frames; pfn++) {
                log.mark(pfn);
            }
            done.countDown();
        };
        // two writers share words, so a lost update would need the atomic OR to fail
        new Thread(writer).start();
        new Thread(writer).start();
        DirtyBitmap harvest = new DirtyBitmap(frames);
        DirtyBitmap union = new DirtyBitmap(frames);
        while (!done.await(0, TimeUnit.MILLISECONDS)) {
            log.harvest(harvest, true);
            union.or(harvest);
        }
        log.harvest(harvest, true);
        union.or(harvest);
        assertThat(union.cardinality()).isEqualTo(frames);
    }

    @Test
    void harvestCoversOnlyTheCallersBitmapAsXenDoes() {
        DirtyLog log = new DirtyLog(256);
        log.enable();
        log.mark(3);
        log.mark(200);
        DirtyBitmap small = new DirtyBitmap(64);
        assertThat(log.harvest(small, true)).isEqualTo(1);
        DirtyBitmap all = new DirtyBitmap(256);
        assertThat(log.harvest(all, false)).isEqualTo(1);
        assertThat(all.get(200)).isTrue();
    }

    @Test
    void nothingIsLoggedWhileDisabled() {
        DirtyLog log = new DirtyLog(64);
        log.mark(1);
        log.enable();
        log.mark(2);
        log.disable();
        log.mark(3);
        log.enable();
        DirtyBitmap b = new DirtyBitmap(64);
        assertThat(log.harvest(b, true)).isZero();
    }
}
