package org.kemari.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirtyBitmapTest {

    @Test
    void bitsFollowXensWordLayout() {
        DirtyBitmap b = new DirtyBitmap(200);
        b.set(0);
        b.set(65);
        b.set(199);
        assertThat(b.words()).hasSize(4);
        assertThat(b.words()[0]).isEqualTo(1L);
        assertThat(b.words()[1]).isEqualTo(2L);
        assertThat(b.words()[3]).isEqualTo(1L << (199 - 192));
        assertThat(b.get(65)).isTrue();
        assertThat(b.get(64)).isFalse();
        assertThat(b.cardinality()).isEqualTo(3);
    }

    @Test
    void setPagesComeOutInOrder() {
        DirtyBitmap b = new DirtyBitmap(1000);
        long[] pfns = {999, 3, 64, 63, 500};
        for (long p : pfns) {
            b.set(p);
        }
        List<Long> seen = new ArrayList<>();
        b.forEachSet(seen::add);
        assertThat(seen).containsExactly(3L, 63L, 64L, 500L, 999L);
        long[] out = new long[3];
        assertThat(b.collect(out)).isEqualTo(3);
        assertThat(out).containsExactly(3, 63, 64);
    }

    /**
     * collect's fast path (four words at a time, the first bit of a word written without a
     * branch) against forEachSet, at every density and with output arrays from one pfn to more
     * than the set, continued from the last pfn each time as the page copier does.
     */
    @Test
    void collectingInPiecesFindsEveryPageOnceInOrder() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        for (double density : new double[] {0, 0.0005, 0.01, 0.3, 0.9, 1}) {
            for (int size : new int[] {1, 63, 64, 65, 255, 256, 257, 1000, 5000}) {
                DirtyBitmap b = new DirtyBitmap(4096 + rnd.nextInt(200));
                for (long p = 0; p < b.size(); p++) {
                    if (rnd.nextDouble() < density) {
                        b.set(p);
                    }
                }
                List<Long> expected = new ArrayList<>();
                b.forEachSet(expected::add);
                List<Long> got = new ArrayList<>();
                long[] out = new long[size];
                int n;
                for (long from = 0; (n = b.collect(from, out)) > 0; from = out[n - 1] + 1) {
                    for (int i = 0; i < n; i++) {
                        got.add(out[i]);
                    }
                }
                assertThat(got).as("density %s, batches of %d", density, size).isEqualTo(expected);
            }
        }
        DirtyBitmap b = new DirtyBitmap(200);
        b.set(199);
        assertThat(b.collect(200, new long[4])).isZero();
        assertThat(b.collect(199, new long[4])).isEqualTo(1);
    }

    @Test
    void orAccumulatesAndClearEmpties() {
        DirtyBitmap a = new DirtyBitmap(128);
        DirtyBitmap c = new DirtyBitmap(128);
        a.set(1);
        c.set(100);
        a.or(c);
        assertThat(a.cardinality()).isEqualTo(2);
        a.clear();
        assertThat(a.cardinality()).isZero();
        assertThatThrownBy(() -> a.or(new DirtyBitmap(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pfnsOutsideTheBitmapAreRejected() {
        DirtyBitmap b = new DirtyBitmap(10);
        assertThatThrownBy(() -> b.set(10)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("pfn 10");
        assertThatThrownBy(() -> b.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new DirtyBitmap(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
