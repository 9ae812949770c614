package org.kemari.dm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A QEMU stand-in on a Unix socket: sends a greeting, then answers each request line with the
 * lines {@code script} returns for it (an empty list: no answer, to test timeouts; null: hang
 * up). Records every request. One connection at a time, like QEMU's QMP chardev. query-pci and
 * query-block are answered from {@code pci} and {@code block} (by default those of QEMU 7.2 as
 * libxl starts it for an HVM guest with one IDE disk and an e1000) before the script sees them.
 */
final class FakeQmp implements AutoCloseable {
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}}, \"capabilities\": [\"oob\"]}}";
    static final String PCI = "[{\"bus\": 0, \"devices\": [" + pci(0, 0, 0x8086, 0x1237, 0x0600) + ", " + pci(1, 0, 0x8086, 0x7000, 0x0601)
            + ", " + pci(1, 1, 0x8086, 0x7010, 0x0101) + ", " + pci(1, 3, 0x8086, 0x7113, 0x0680) + ", " + pci(4, 0, 0x8086, 0x100e, 0x0200)
            + "]}]";
    static final String BLOCK = "[{\"io-status\": \"ok\", \"device\": \"ide0-hd0\", \"locked\": false, \"removable\": false,"
            + " \"inserted\": {\"file\": \"nbd+unix:///g1?socket=/run/kemari/g1.nbd\", \"ro\": false, \"drv\": \"raw\","
            + " \"image\": {\"virtual-size\": 8388608, \"filename\": \"nbd+unix:///g1?socket=/run/kemari/g1.nbd\","
            + " \"format\": \"raw\"}}, \"qdev\": \"/machine/unattached/device[23]\", \"type\": \"unknown\"}]";

    final Path socket;
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final Thread thread;

    FakeQmp(Path socket, String greeting, Function<String, List<String>> script) throws IOException {
        this(socket, greeting, PCI, BLOCK, script);
    }

    FakeQmp(Path socket, String greeting, String pci, String block, Function<String, List<String>> script) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Function<String, List<String>> answer = req -> req.contains("\"query-pci\"") ? List.of("{\"return\": " + pci + "}")
                : req.contains("\"query-block\"") ? List.of("{\"return\": " + block + "}") : script.apply(req);
        thread = new Thread(() -> serve(greeting, answer), "fake-qmp");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(String greeting, Function<String, List<String>> script) {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                OutputStream out = Channels.newOutputStream(c);
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                write(out, greeting);
                String line;
                while ((line = in.readLine()) != null) {
                    requests.add(line);
                    List<String> answer = script.apply(line);
                    if (answer == null) {
                        break;
                    }
                    for (String a : answer) {
                        write(out, a);
                    }
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One device of bus 0 as QEMU 7.2's query-pci describes it (regions and irq left out: kemari reads neither). */
    static String pci(int slot, int function, int vendor, int device, int cls) {
        return "{\"bus\": 0, \"slot\": " + slot + ", \"function\": " + function + ", \"class_info\": {\"class\": " + cls + "},"
                + " \"id\": {\"device\": " + device + ", \"vendor\": " + vendor + ", \"subsystem\": 4352,"
                + " \"subsystem-vendor\": 6900}, \"qdev_id\": \"\", \"regions\": []}";
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
        Files.deleteIfExists(socket);
    }
}
