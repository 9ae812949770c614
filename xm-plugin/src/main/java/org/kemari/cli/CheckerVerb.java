package org.kemari.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.kemari.check.AckJournal;
import org.kemari.check.CheckerServer;
import org.kemari.check.Verdict;
import org.kemari.config.Endpoint;

/**
 * {@code kemari checker}: the external checker of docs/checker.md as a process of its own, for
 * runs whose pair is not in this process (the real-Xen testbed, a cluster): {@code listen}
 * records a guest's acknowledgements until stopped, {@code verdict} judges the record and the
 * disk that survived.
 */
final class CheckerVerb implements Verb {
    private static final String JOURNAL = "journal";
    private static final String DISK = "disk";

    @Override
    public String name() {
        return "checker";
    }

    @Override
    public String summary() {
        return "the external checker as a process: record a guest's acknowledgements, then judge them and its disk";
    }

    @Override
    public String syntax() {
        return "listen --journal <file> <host:port> | verdict --journal <file> [--disk <image>]";
    }

    @Override
    public String details() {
        return "listen: accepts the guest's forwarded output (kemari's packet framing: u32 little-endian length, then\n"
                + "the packet: a bare acknowledgement or an Ethernet frame of type 0x88b5 carrying one) and appends every\n"
                + "acknowledgement to the journal, a new file, until SIGTERM or SIGINT.\n"
                + "verdict: PASS (exit 0) when the journal shows no gap, divergence or malformed packet and, with --disk,\n"
                + "the image holds every acknowledged write; FAIL (exit 1) with each problem on its own line.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt(JOURNAL).hasArg().argName("file").desc("the checker's journal").get())
                .addOption(Option.builder().longOpt(DISK).hasArg().argName("image")
                        .desc("verdict: the disk image that survived, audited block by block").get());
    }

    @Override
    public ExitCode run(Invocation in) {
        if (!in.has(JOURNAL)) {
            throw new CliException(ExitCode.USAGE, "--journal is required; see 'kemari checker --help'");
        }
        Path journal = Path.of(in.value(JOURNAL));
        String mode = in.arg(0, "listen or verdict");
        try {
            return switch (mode) {
                case "listen" -> listen(in, journal);
                case "verdict" -> verdict(in, journal);
                default -> throw new CliException(ExitCode.USAGE, "'" + mode + "': expected listen or verdict");
            };
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "checker: " + e.getMessage(), e);
        }
    }

    private static ExitCode listen(Invocation in, Path journal) throws IOException {
        in.atMostArgs(2);
        if (Files.exists(journal)) {
            throw new CliException(ExitCode.USAGE, "journal " + journal + " exists: a checker starts a new one");
        }
        Endpoint at = endpoint(in.arg(1, "host:port"));
        CountDownLatch stopped = new CountDownLatch(1);
        try (AckJournal j = AckJournal.create(journal);
             CheckerServer checker = new CheckerServer(new InetSocketAddress(at.host(), at.port()), j)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                in.out().println("kemari checker: stopped after " + checker.ledger().acknowledged() + " acknowledged writes");
                stopped.countDown();
            }));
            in.out().println("kemari checker: listening on " + checker.address() + ", journal " + journal);
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCode.OK;
    }

    private static Endpoint endpoint(String text) {
        try {
            return Endpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "checker listen: " + e.getMessage());
        }
    }

    private static ExitCode verdict(Invocation in, Path journal) throws IOException {
        in.atMostArgs(1);
        Path disk = in.has(DISK) ? Path.of(in.value(DISK)) : null;
        Verdict v = Verdict.of(AckJournal.read(journal), disk);
        String counts = v.acknowledged() + " acknowledged writes (" + v.repeated() + " repeated after a failover)"
                + (disk == null ? "" : ", " + v.blocksAudited() + " blocks of " + disk + " audited");
        if (v.passed()) {
            in.out().println("kemari checker: VERDICT: PASS: " + counts);
            return ExitCode.OK;
        }
        v.problems().forEach(p -> in.out().println("kemari checker: " + p));
        in.out().println("kemari checker: VERDICT: FAIL (" + v.problems().size() + " problem(s)): " + counts);
        return ExitCode.FAILURE;
    }
}
