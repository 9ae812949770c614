package org.kemari.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class HvmContextTest {

    private static byte[] blob(boolean terminated, int claimedCpuLength) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) HvmContext.TYPE_HEADER).putShort((short) 0).putInt(24);
        b.putInt(HvmContext.FILE_MAGIC).putInt(HvmContext.FILE_VERSION).putLong(0).putInt(0).putInt(0);
        b.putShort((short) HvmContext.TYPE_CPU).putShort((short) 3).putInt(claimedCpuLength);
        b.putLong(0x1122334455667788L);
        if (terminated) {
            b.putShort((short) HvmContext.TYPE_END).putShort((short) 0).putInt(0);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    @Test
    void recordsAreParsedInOrder() {
        var records = new HvmContext(blob(true, 8)).records();
        assertThat(records).extracting(HvmContext.Record::type)
                .containsExactly(HvmContext.TYPE_HEADER, HvmContext.TYPE_CPU, HvmContext.TYPE_END);
        assertThat(records.get(1).instance()).isEqualTo(3);
        assertThat(ByteBuffer.wrap(records.get(1).data()).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(0x1122334455667788L);
    }

    /** A save of two vcpus with every record kind the PM timer reload keeps or drops. */
    static byte[] twoVcpuSave(boolean withPmTimer, long tsc0) {
        ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) HvmContext.TYPE_HEADER).putShort((short) 0).putInt(24);
        b.putInt(HvmContext.FILE_MAGIC).putInt(HvmContext.FILE_VERSION).putLong(0).putInt(0).putInt(2_000_000);
        for (int v = 0; v < 2; v++) {
            b.putShort((short) HvmContext.TYPE_CPU).putShort((short) v).putInt(1024);
            int at = b.position();
            b.position(at + 1024);
            b.putLong(at + HvmContext.CPU_TSC, tsc0 + v);
        }
        record(b, 6, 0, 0x66);                                      // LAPIC_REGS: reloading it rearms the timer
        record(b, 12, 0, 0x12);                                     // HPET
        if (withPmTimer) {
            record(b, HvmContext.TYPE_PMTIMER, 0, 0x13);
        }
        record(b, HvmContext.TYPE_MTRR, 0, 0x14);
        record(b, HvmContext.TYPE_MTRR, 1, 0x15);
        record(b, HvmContext.TYPE_CPU_XSAVE, 1, 0x16);
        record(b, 20, 0, 0x20);                                     // CPU_MSR
        b.putShort((short) HvmContext.TYPE_END).putShort((short) 0).putInt(0);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void record(ByteBuffer b, int type, int instance, int fill) {
        b.putShort((short) type).putShort((short) instance).putInt(16);
        for (int i = 0; i < 16; i++) {
            b.put((byte) fill);
        }
    }

    @Test
    void pmTimerReloadCarriesTheVcpusWithTheirTscAdvancedAndNothingThatRearmsTimers() {
        HvmContext saved = new HvmContext(twoVcpuSave(true, 1_000_000));
        var reload = saved.pmTimerReload(3_000).orElseThrow().records();
        assertThat(reload).extracting(r -> r.type() + "/" + r.instance())
                .containsExactly("1/0", "2/0", "2/1", "13/0", "14/0", "14/1", "16/1", "0/0");
        // 3 µs of a 2 GHz guest TSC
        assertThat(ByteBuffer.wrap(reload.get(1).data()).order(ByteOrder.LITTLE_ENDIAN).getLong(HvmContext.CPU_TSC))
                .isEqualTo(1_000_000 + 6_000);
        assertThat(ByteBuffer.wrap(reload.get(2).data()).order(ByteOrder.LITTLE_ENDIAN).getLong(HvmContext.CPU_TSC))
                .isEqualTo(1_000_001 + 6_000);
        // the PM timer counts on from the load: the 3 µs since the save are added (10 ticks at 3.58 MHz)
        ByteBuffer pm = ByteBuffer.wrap(reload.get(3).data()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer savedPm = ByteBuffer.wrap(saved.records().get(5).data()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(pm.getInt(0)).isEqualTo(savedPm.getInt(0) + 10);
        assertThat(pm.getShort(4)).isEqualTo(savedPm.getShort(4));
        assertThat(saved.records().get(1).data()).as("the saved context itself is unchanged")
                .isEqualTo(new HvmContext(twoVcpuSave(true, 1_000_000)).records().get(1).data());
    }

    @Test
    void aPmTimerTopBitFlipInTheReloadRaisesTmrSts() {
        byte[] blob = twoVcpuSave(true, 0);
        HvmContext saved = new HvmContext(blob);
        int at = 0;
        for (HvmContext.Record r : saved.records()) {
            at += HvmContext.DESCRIPTOR_SIZE;
            if (r.type() == HvmContext.TYPE_PMTIMER) {
                break;
            }
            at += r.data().length;
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(at, 0x7fff_fff0).putShort(at + 4, (short) 0);
        var pm = new HvmContext(blob).pmTimerReload(1_000_000).orElseThrow().records().get(3).data();
        ByteBuffer r = ByteBuffer.wrap(pm).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(r.getInt(0)).isEqualTo(0x7fff_fff0 + 3579);
        assertThat(r.getShort(4) & 1).as("TMR_STS").isEqualTo(1);
    }

    @Test
    void aContextWithoutPmTimerNeedsNoReload() {
        assertThat(new HvmContext(twoVcpuSave(false, 0)).pmTimerReload(0)).isEmpty();
        assertThat(new HvmContext(twoVcpuSave(false, 0)).has(HvmContext.TYPE_PMTIMER)).isFalse();
        assertThat(new HvmContext(twoVcpuSave(true, 0)).has(HvmContext.TYPE_PMTIMER)).isTrue();
    }

    @Test
    void malformedBlobsAreRejected() {
        assertThatThrownBy(() -> new HvmContext(blob(false, 8)).records()).hasMessageContaining("no END");
        assertThatThrownBy(() -> new HvmContext(blob(true, 4096)).records()).hasMessageContaining("claims 4096");
    }

    @Test
    void equalityIsByContentAndTheBlobIsCopied() {
        byte[] raw = blob(true, 8);
        HvmContext a = new HvmContext(raw);
        raw[0] ^= 1;
        assertThat(a).isEqualTo(new HvmContext(blob(true, 8))).isNotEqualTo(new HvmContext(raw));
        assertThat(a.size()).isEqualTo(raw.length);
    }
}
