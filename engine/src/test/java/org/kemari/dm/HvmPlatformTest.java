package org.kemari.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HvmPlatformTest {

    @Test
    void roundTripsParamsAndDeviceStateInTheSpecifiedLayout() {
        HvmPlatform p = new HvmPlatform(Map.of(19, 1L, 0, 0x02000000000000f3L), new byte[] {'Q', 'E', 'V', 'M'});
        byte[] wire = p.encode();
        ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(b.getInt()).isEqualTo(4);
        assertThat(b.getInt()).as("params in index order").isEqualTo(0);
        assertThat(b.getInt()).isZero();
        assertThat(b.getLong()).isEqualTo(0x02000000000000f3L);
        assertThat(b.getInt()).isEqualTo(19);
        assertThat(wire).hasSize(8 + 2 * 16 + 4);

        HvmPlatform back = HvmPlatform.decode(wire);
        assertThat(back.params()).containsExactly(Map.entry(0, 0x02000000000000f3L), Map.entry(19, 1L));
        assertThat(back.deviceState()).containsExactly('Q', 'E', 'V', 'M');
        assertThat(back.param(12)).as("a param not sent is 0, as libxc leaves zero params out").isZero();
    }

    @Test
    void malformedRecordsAreRefusedWithWhatIsWrong() {
        byte[] good = new HvmPlatform(Map.of(19, 1L), new byte[3]).encode();
        assertThatThrownBy(() -> HvmPlatform.decode(java.util.Arrays.copyOf(good, good.length - 1)))
                .hasMessageContaining("does not hold 1 params and 3 bytes of device state");
        assertThatThrownBy(() -> HvmPlatform.decode(new byte[5])).hasMessageContaining("truncated");
        byte[] reserved = good.clone();
        reserved[12] = 1;
        assertThatThrownBy(() -> HvmPlatform.decode(reserved)).hasMessageContaining("reserved field of param 19");
        ByteBuffer twice = ByteBuffer.allocate(8 + 32).order(ByteOrder.LITTLE_ENDIAN);
        twice.putInt(2).putInt(0).putInt(19).putInt(0).putLong(1).putInt(19).putInt(0).putLong(2);
        assertThatThrownBy(() -> HvmPlatform.decode(twice.array())).hasMessageContaining("param 19 appears twice");
    }
}
