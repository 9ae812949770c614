package org.kemari.check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The external checker as a process of its own, for labs whose pair runs on hosts this JVM does
 * not own (the Pacemaker cluster of lab/cluster/cluster.sh, where each host is a set of
 * namespaces). Listens where it is told, prints each connection and its first acknowledgement
 * with the wall-clock time (the only clock it shares with the hosts' logs), keeps the number of
 * acknowledged writes in a progress file, and when the stop file appears prints its verdict and
 * exits: 0 PASS, 1 FAIL, 2 usage.
 *
 * <pre>
 * java -cp kemari.jar org.kemari.check.CheckerMain --listen ADDR:PORT --disk IMAGE --progress FILE --stop FILE
 * </pre>
 * The stop file may hold {@code after=<epoch ms>}: then at least one write must have been
 * acknowledged on a connection accepted after that moment (the replica's output after a kill).
 */
public final class CheckerMain {
    private CheckerMain() {
    }

    public static void main(String[] args) throws Exception {
        String listen = null;
        Path disk = null;
        Path progress = null;
        Path stop = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--listen" -> listen = args[i + 1];
                case "--disk" -> disk = Path.of(args[i + 1]);
                case "--progress" -> progress = Path.of(args[i + 1]);
                case "--stop" -> stop = Path.of(args[i + 1]);
                default -> usage("unknown option '" + args[i] + "'");
            }
        }
        if (args.length % 2 != 0 || listen == null || disk == null || progress == null || stop == null) {
            usage("--listen, --disk, --progress and --stop are all required");
        }
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            usage("--listen " + listen + ": expected ADDR:PORT");
        }
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(listen.substring(0, colon)),
                Integer.parseInt(listen.substring(colon + 1)));
        System.exit(run(bind, disk, progress, stop) ? 0 : 1);
    }

    private static void usage(String why) {
        System.err.println("checker: " + why + "; usage: CheckerMain --listen ADDR:PORT --disk IMAGE --progress FILE --stop FILE");
        System.exit(2);
    }

    private static void say(String line) {
        System.out.println("checker: " + line);
        System.out.flush();
    }

    static boolean run(InetSocketAddress bind, Path disk, Path progress, Path stop) throws IOException, InterruptedException {
        try (CheckerServer checker = new CheckerServer(bind)) {
            checker.listener(new CheckerServer.Listener() {
                @Override
                public void accepted(int connection, String remote) {
                    say("connection " + connection + " from " + remote + " accepted at " + System.currentTimeMillis());
                }

                @Override
                public void firstAck(int connection, String remote, AckRecord ack) {
                    say("connection " + connection + " from " + remote + " first acknowledgement (seq " + ack.seq() + ") at "
                            + System.currentTimeMillis());
                }
            });
            say("listening on " + checker.address() + "; disk " + disk);
            long written = -1;
            while (!Files.exists(stop)) {
                long acked = checker.ledger().acknowledged();
                if (acked != written) {
                    Path tmp = progress.resolveSibling(progress.getFileName() + ".tmp");
                    Files.writeString(tmp, acked + "\n");
                    Files.move(tmp, progress, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    written = acked;
                }
                Thread.sleep(50);
            }
            return verdict(checker, disk, Files.readString(stop).strip());
        }
    }

    private static boolean verdict(CheckerServer checker, Path disk, String request) throws IOException {
        List<String> problems = new ArrayList<>(checker.ledger().violations());
        problems.addAll(checker.malformed());
        problems.addAll(checker.overlappingWriters());
        problems.addAll(DiskAudit.audit(disk, checker.ledger().lastAckPerBlock()));
        long total = checker.ledger().acknowledged();
        String after = "";
        if (request.startsWith("after=")) {
            long afterMillis = Long.parseLong(request.substring("after=".length()));
            long sinceNanos = System.nanoTime() - (System.currentTimeMillis() - afterMillis) * 1_000_000L;
            long first = checker.firstAckOnConnectionAcceptedAfter(sinceNanos);
            if (first == 0) {
                problems.add("no write was acknowledged on a connection opened after " + afterMillis
                        + " (the replica produced no output)");
            } else {
                after = ", output from a connection opened after " + afterMillis;
            }
        }
        say(total + " acknowledged writes, " + checker.ledger().duplicates() + " replayed duplicate(s), "
                + checker.ledger().lastAckPerBlock().size() + " blocks audited on " + disk + after);
        if (total == 0) {
            problems.add("no write was acknowledged at all");
        }
        if (problems.isEmpty()) {
            say("VERDICT: PASS: nothing acknowledged was lost; output continued without gap or divergence; one writer at a time");
            return true;
        }
        problems.forEach(p -> say("PROBLEM: " + p));
        say("VERDICT: FAIL (" + problems.size() + " problem(s))");
        return false;
    }
}
