package org.kemari.dm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A device-model process for {@link ReplicaDeviceModelTest}: {@code FakeQemuMain <qmp socket>
 * [-incoming exec:cat <file> | -incoming defer]} serves QMP on the socket; with -incoming
 * exec:cat it first copies the state file to {@code <socket>.loaded} (what a real QEMU would
 * load); with -incoming defer it reports "inmigrate" until migrate-incoming names the file,
 * which it then copies the same way; quit makes it exit 0.
 */
public final class FakeQemuMain {

    private FakeQemuMain() {
    }

    private static final Pattern INCOMING_URI = Pattern.compile("\"uri\": ?\"exec:cat ([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        boolean[] waiting = {args.length == 3 && args[1].equals("-incoming") && args[2].equals("defer")};
        if (args.length == 3 && args[1].equals("-incoming") && args[2].startsWith("exec:cat ")) {
            Files.copy(Path.of(args[2].substring("exec:cat ".length())), Path.of(socket + ".loaded"));
        }
        CountDownLatch quit = new CountDownLatch(1);
        try (FakeQmp qmp = new FakeQmp(socket, FakeQmp.GREETING, req -> {
            System.out.println(System.nanoTime() / 1_000_000 + " ms: " + req);
            if (req.contains("query-status")) {
                String status = waiting[0] ? "inmigrate" : "running";
                return List.of("{\"return\": {\"status\": \"" + status + "\", \"singlestep\": false, \"running\": " + !waiting[0] + "}}");
            }
            Matcher incoming = INCOMING_URI.matcher(req);
            if (req.contains("migrate-incoming") && waiting[0] && incoming.find()) {
                try {
                    Files.copy(Path.of(incoming.group(1)), Path.of(socket + ".loaded"));
                } catch (java.io.IOException e) {
                    return List.of("{\"error\": {\"class\": \"GenericError\", \"desc\": \"" + e + "\"}}");
                }
                waiting[0] = false;
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
