package org.kemari.xen.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;

import org.junit.jupiter.api.Test;
import org.kemari.xen.DirtyBitmap;

class DirtyLogBufferTest {

    /** Xen's bitmap is C unsigned longs, bit pfn % 64 of word pfn / 64: DirtyBitmap's own layout. */
    @Test
    void xenBitmapWordsLandInTheDirtyBitmapAndBitsPastItsEndAreDropped() {
        DirtyBitmap into = new DirtyBitmap(130);
        into.set(129); // stale bit from a previous epoch: overwritten
        Memory xen = new Memory(3 * 8);
        xen.setLong(0, 1L | 1L << 63);
        xen.setLong(8, 0);
        xen.setLong(16, 0b1L | 0b100L); // pfn 128 and pfn 130 (beyond 130 frames)

        long dirty = DirtyLogBuffer.copyInto(xen, into);

        assertThat(dirty).isEqualTo(3);
        assertThat(into.get(0)).isTrue();
        assertThat(into.get(63)).isTrue();
        assertThat(into.get(128)).isTrue();
        assertThat(into.get(129)).isFalse();
        assertThat(into.words()[2]).isEqualTo(1L);
    }
}
