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
 * up). Records every request. One connection at a time, like QEMU's QMP chardev.
 */
final class FakeQmp implements AutoCloseable {
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}}, \"capabilities\": [\"oob\"]}}";

    final Path socket;
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final Thread thread;

    FakeQmp(Path socket, String greeting, Function<String, List<String>> script) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> serve(greeting, script), "fake-qmp");
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
