package org.kemari.dm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A device-model process for {@link ReplicaDeviceModelTest}: {@code FakeQemuMain <qmp socket>
 * [-incoming exec:cat <file>]} serves QMP on the socket; with -incoming it first copies the
 * state file to {@code <socket>.loaded} (what a real QEMU would load), quit makes it exit 0.
 */
public final class FakeQemuMain {

    private FakeQemuMain() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        if (args.length == 3 && args[1].equals("-incoming") && args[2].startsWith("exec:cat ")) {
            Files.copy(Path.of(args[2].substring("exec:cat ".length())), Path.of(socket + ".loaded"));
        }
        CountDownLatch quit = new CountDownLatch(1);
        try (FakeQmp qmp = new FakeQmp(socket, FakeQmp.GREETING, req -> {
            System.out.println(System.nanoTime() / 1_000_000 + " ms: " + req);
            if (req.contains("query-status")) {
                return List.of("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}}");
            }
            if (req.contains("quit")) {
                quit.countDown();
            }
            return List.of("{\"return\": {}}");
        })) {
            System.out.println(System.nanoTime() / 1_000_000 + " ms: serving " + socket);
            quit.await();
            System.out.println(System.nanoTime() / 1_000_000 + " ms: quitting");
        }
        System.out.println(System.nanoTime() / 1_000_000 + " ms: exiting");
        System.exit(0);
    }
}
