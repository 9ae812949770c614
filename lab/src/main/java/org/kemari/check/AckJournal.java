package org.kemari.check;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a checker received, in arrival order, as a text file a person can read too: one line
 * {@code ack SEQ BLOCK HASH COUNTER} (hash in hex) per acknowledgement, {@code malformed WHAT} per
 * packet it could not take. A checker that runs beside a test (the real-Xen testbed, a cluster)
 * records while the pair runs; a later process gives the verdict against whatever disk survived.
 */
public final class AckJournal implements CheckerServer.Journal, AutoCloseable {
    private final Path file;
    private final BufferedWriter out;

    private AckJournal(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** A new journal at {@code file}; an existing file is refused, so two runs never mix. */
    public static AckJournal create(Path file) throws IOException {
        return new AckJournal(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
    }

    @Override
    public void ack(AckRecord a) {
        line("ack " + a.seq() + " " + a.block() + " " + Long.toHexString(a.hash()) + " " + a.counter());
    }

    @Override
    public void malformed(String what) {
        line("malformed " + what.replace('\n', ' '));
    }

    /** Flushed at once: the process that wrote it is usually stopped by a signal. */
    private synchronized void line(String text) {
        try {
            out.write(text);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("checker journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** The journal's acknowledgements and complaints, in the order they came. */
    public record Contents(List<AckRecord> acks, List<String> malformed) {
    }

    public static Contents read(Path file) throws IOException {
        List<AckRecord> acks = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.startsWith("malformed ")) {
                malformed.add(line.substring("malformed ".length()));
                continue;
            }
            String[] f = line.split(" ");
            try {
                if (f.length != 5 || !f[0].equals("ack")) {
                    throw new NumberFormatException("expected 'ack SEQ BLOCK HASH COUNTER' or 'malformed ...'");
                }
                acks.add(new AckRecord(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseUnsignedLong(f[3], 16),
                        Long.parseLong(f[4])));
            } catch (NumberFormatException e) {
                throw new IOException("checker journal " + file + " line " + n + ": '" + line + "': " + e.getMessage(), e);
            }
        }
        return new Contents(acks, malformed);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
