package org.kemari.ft.compress;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.kemari.ft.wire.Wire;

/**
 * The primary's copy of the last version it sent of recently sent pages, the base of XOR-delta
 * encoding. Bounded: {@code capacity} pages of one direct buffer plus a map entry each (about
 * 4 KiB + 100 bytes per page), least-recently-sent page evicted first, because the pages
 * re-dirtied epoch after epoch are the ones a delta shrinks. A page that is not (or no longer)
 * cached is sent without delta; the secondary needs no cache, its replica is the base.
 */
public final class LastSentCache {
    private final int capacity;
    private final ByteBuffer store;
    private final LinkedHashMap<Long, Integer> slots;
    private int used;

    public LastSentCache(int capacityPages) {
        if (capacityPages < 0) {
            throw new IllegalArgumentException("delta cache size must not be negative: " + capacityPages);
        }
        this.capacity = capacityPages;
        this.store = ByteBuffer.allocateDirect(Math.max(1, capacityPages) * Wire.PAGE_SIZE);
        this.slots = new LinkedHashMap<>(16, 0.75f, true);
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return slots.size();
    }

    /** The last sent copy of {@code pfn} (a read-only 4 KiB view), or null if not cached. */
    public ByteBuffer get(long pfn) {
        Integer slot = slots.get(pfn);
        return slot == null ? null : page(slot).asReadOnlyBuffer();
    }

    /** Records {@code page} (its remaining 4096 bytes) as the last copy sent of {@code pfn}. */
    public void put(long pfn, ByteBuffer page) {
        if (capacity == 0) {
            return;
        }
        Integer slot = slots.get(pfn);
        if (slot == null) {
            slot = used < capacity ? used++ : evictEldest();
            slots.put(pfn, slot);
        }
        page(slot).put(page.duplicate());
    }

    private int evictEldest() {
        Map.Entry<Long, Integer> eldest = slots.entrySet().iterator().next();
        slots.remove(eldest.getKey());
        return eldest.getValue();
    }

    private ByteBuffer page(int slot) {
        return store.slice(slot * Wire.PAGE_SIZE, Wire.PAGE_SIZE);
    }
}
