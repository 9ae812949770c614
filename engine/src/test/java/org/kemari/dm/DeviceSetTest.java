package org.kemari.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The DEVICE_SET record (docs/ft-transaction.md §5.6): taken from QEMU's answers, checked when read. */
class DeviceSetTest {
    private static final String WHERE = "dom 3's device model";
    private static final List<String> PIIX_WITH_DISK_AND_NIC = List.of(
            "block ide0-hd0 fixed 8388608",
            "pci 00:00.0 8086:1237 class 0600",
            "pci 00:01.0 8086:7000 class 0601",
            "pci 00:01.1 8086:7010 class 0101",
            "pci 00:01.3 8086:7113 class 0680",
            "pci 00:04.0 8086:100e class 0200");

    private static Object json(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    static DeviceSet of(String pci, String block) {
        return DeviceSet.fromQmp(json(pci), json(block), WHERE);
    }

    @Test
    void qemusAnswersGiveWhatTheGuestSeesAndNothingThatDiffersBetweenHosts() {
        assertThat(of(FakeQmp.PCI, FakeQmp.BLOCK).lines()).containsExactlyElementsOf(PIIX_WITH_DISK_AND_NIC);
        // the same guest on the other host: its disk served from another socket, other qdev paths and ids
        String otherHost = FakeQmp.BLOCK.replace("/run/kemari/g1.nbd", "/srv/replica/g1.nbd").replace("device[23]", "device[31]");
        assertThat(of(FakeQmp.PCI.replace("\"qdev_id\": \"\"", "\"qdev_id\": \"vif0\""), otherHost))
                .isEqualTo(of(FakeQmp.PCI, FakeQmp.BLOCK));
    }

    @Test
    void removableMediaEmptyDrivesBlockdevNamesAndBridgesButNotTheirDevicesAreCounted() {
        String bridge = "[{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 5, \"function\": 0, \"class_info\": {\"class\": 1540},"
                + " \"id\": {\"vendor\": 6966, \"device\": 1}, \"qdev_id\": \"br\", \"regions\": [], \"pci_bridge\": {\"bus\":"
                + " {\"number\": 1, \"secondary\": 1, \"subordinate\": 1}, \"devices\": [" + FakeQmp.pci(2, 0, 0x8086, 0x100e, 0x0200)
                        .replace("\"bus\": 0", "\"bus\": 1") + "]}}]}]";
        String block = "[{\"device\": \"ide1-cd0\", \"removable\": true, \"locked\": false, \"inserted\": {\"image\":"
                + " {\"virtual-size\": 1000}}}, {\"device\": \"ide0-hd1\", \"removable\": false, \"locked\": false},"
                + " {\"device\": \"\", \"qdev\": \"/machine/peripheral/disk1/virtio-backend\", \"removable\": false,"
                + " \"inserted\": {\"image\": {\"virtual-size\": 4096}}}]";
        assertThat(of(bridge, block).lines()).containsExactly(
                "block /machine/peripheral/disk1/virtio-backend fixed 4096",
                "block ide0-hd1 fixed empty",
                "block ide1-cd0 removable",
                "pci 00:05.0 1b36:0001 class 0604");
    }

    @Test
    void anAnswerOfAnotherShapeNamesTheQemuAndTheQuery() {
        assertThatThrownBy(() -> of("{}", "[]")).isInstanceOf(QmpException.class)
                .hasMessage(WHERE + ": query-pci: expected a list, got {}");
        assertThatThrownBy(() -> of("[{\"bus\": 0, \"devices\": [{\"bus\": 0, \"slot\": 1, \"function\": 0, \"class_info\": {},"
                + " \"id\": {\"vendor\": 1, \"device\": 2}}]}]", "[]")).hasMessage(WHERE + ": query-pci class: expected a number, got null");
        assertThatThrownBy(() -> of("[]", "[{\"device\": \"\", \"removable\": false}]"))
                .hasMessage(WHERE + ": query-block qdev: expected a name, got null");
        assertThatThrownBy(() -> of("[]", "[{\"device\": \"ide 0\", \"removable\": true}]"))
                .hasMessageContaining("block device name 'ide 0' is not printable ASCII without spaces");
    }

    @Test
    void whatIsSentReadsBackAndAnEmptySetIsValid() {
        DeviceSet set = of(FakeQmp.PCI, FakeQmp.BLOCK);
        byte[] body = set.encode();
        assertThat(new String(body, StandardCharsets.UTF_8)).startsWith("block ide0-hd0 fixed 8388608\npci 00:00.0").endsWith("0200\n");
        assertThat(DeviceSet.decode(body, "epoch 1")).isEqualTo(set);
        assertThat(DeviceSet.decode(new byte[0], "epoch 1").lines()).isEmpty();
        assertThat(new DeviceSet(List.of()).encode()).isEmpty();
    }

    @Test
    void aBodyOutsideTheSpecFailsNamingTheRecordAndTheLine() {
        String where = "epoch 1, DEVICE_SET record";
        assertThatThrownBy(() -> decode("pci 00:00.0 8086:1237 class 0600"))
                .hasMessage(where + ": the last line is not ended by a newline");
        assertThatThrownBy(() -> decode("pci 00:01.0 8086:7000 class 0601\npci 00:00.0 8086:1237 class 0600\n"))
                .hasMessage(where + ": line 2 'pci 00:00.0 8086:1237 class 0600' is out of order or repeated");
        assertThatThrownBy(() -> decode("block a removable\nblock a removable\n"))
                .hasMessage(where + ": line 2 'block a removable' is out of order or repeated");
        assertThatThrownBy(() -> decode("pci 00:00.0 8086:1237 class 0600\nnet e1000\n"))
                .hasMessage(where + ": line 2 'net e1000' names no device");
        assertThatThrownBy(() -> decode("block ide0-hd0 fixed -1\n")).hasMessageContaining("names no device");
        assertThatThrownBy(() -> decode("\n")).hasMessage(where + ": line 1 '' names no device");
        assertThatThrownBy(() -> DeviceSet.decode(new byte[] {(byte) 0xc3, 0x28, '\n'}, where)).hasMessage(where + ": not UTF-8 text");
        byte[] big = new byte[DeviceSet.MAX_BYTES + 1];
        assertThatThrownBy(() -> DeviceSet.decode(big, where)).hasMessage(where + ": 65537 bytes, more than 65536");
    }

    private static DeviceSet decode(String text) {
        return DeviceSet.decode(text.getBytes(StandardCharsets.UTF_8), "epoch 1, DEVICE_SET record");
    }

    @Test
    void theFirstDifferenceIsNamedWithTheSideThatHasIt() {
        DeviceSet primary = new DeviceSet(PIIX_WITH_DISK_AND_NIC);
        assertThat(primary.difference(new DeviceSet(PIIX_WITH_DISK_AND_NIC))).isEmpty();
        DeviceSet noNic = new DeviceSet(PIIX_WITH_DISK_AND_NIC.subList(0, 5));
        assertThat(primary.difference(noNic)).hasValue("the primary's has 'pci 00:04.0 8086:100e class 0200', the replica's has not"
                + " (1 difference(s) in all)");
        assertThat(noNic.difference(primary)).hasValue("the replica's has 'pci 00:04.0 8086:100e class 0200', the primary's has not"
                + " (1 difference(s) in all)");
        DeviceSet smallerDisk = new DeviceSet(List.of("block ide0-hd0 fixed 4194304"));
        assertThat(new DeviceSet(List.of("block ide0-hd0 fixed 8388608")).difference(smallerDisk))
                .hasValue("the primary's has 'block ide0-hd0 fixed 8388608', the replica's has not (2 difference(s) in all)");
    }
}
