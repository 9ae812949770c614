package org.kemari.tap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The split-brain witness: a lease file on the shared storage both hosts already trust (the
 * guest's disks live there). Only the lease holder may let guest output out.
 *
 * <p>No clock synchronisation is assumed between hosts. The holder bumps a counter at every
 * renewal; a contender may take the lease only after it has watched the counter stay unchanged
 * for a whole lease duration on its own monotonic clock. The holder, in turn, treats its lease
 * as valid only until {@code duration - margin} after its last successful renewal, again on
 * its own clock. The renewal the contender last saw happened before it started watching, so
 * the holder's validity ends before the contender's wait does, provided the two clocks run at
 * about the same rate (the margin covers the difference). A holder that cannot reach the
 * storage therefore stops releasing I/O before anyone else can start.
 *
 * <p>Each takeover increments the generation, a fencing token the new holder stamps on the
 * epochs it produces. The file is one human-readable line, rewritten under an OS file lock.
 */
public final class WitnessLease {
    private static final Pattern LINE = Pattern.compile(
            "kemari-lease v1 owner=(\\S+) generation=(\\d+) counter=(\\d+)\\s*");

    private static final String RELEASED = "none";

    private final Path file;
    private final String self;
    private final long durationNanos;
    private final long marginNanos;
    private final LongSupplier clock;

    private long validUntil;
    private long generation = -1;
    private Record watched;
    private long watchedSince;

    /** The lease as written in the file. */
    public record Record(String owner, long generation, long counter) {
        /** True if its holder gave it up ({@link #release()}): the next contender takes it at once. */
        public boolean released() {
            return owner.equals(RELEASED);
        }

        String line() {
            return "kemari-lease v1 owner=" + owner + " generation=" + generation + " counter=" + counter + "\n";
        }
    }

    /** Where a contender stands after one {@link #contend()} call. */
    public enum Contention { HELD, WAITING, ACQUIRED }

    public WitnessLease(Path file, String self, Duration duration, Duration margin, LongSupplier nanoClock) {
        this.file = Objects.requireNonNull(file);
        if (self.isEmpty() || self.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("witness owner name must be one word: '" + self + "'");
        }
        if (margin.isNegative() || margin.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("witness margin " + margin + " must be below the lease duration " + duration);
        }
        this.self = self;
        this.durationNanos = duration.toNanos();
        this.marginNanos = margin.toNanos();
        this.clock = nanoClock;
        this.validUntil = nanoClock.getAsLong();
    }

    public WitnessLease(Path file, String self, Duration duration) {
        this(file, self, duration, duration.dividedBy(4), System::nanoTime);
    }

    public Path file() {
        return file;
    }

    /** The name this host writes into the lease as its owner. */
    public String owner() {
        return self;
    }

    public Duration duration() {
        return Duration.ofNanos(durationNanos);
    }

    /** The fencing generation of our lease, or -1 if we never held it. */
    public long generation() {
        return generation;
    }

    /**
     * Takes a lease nobody holds (no file yet, or it names us), as the first primary of a pair
     * does. A lease held by another is never taken here: that is {@link #contend()}'s job.
     *
     * @return true if we now hold it
     */
    public boolean claimIfFree() {
        return update(current -> {
            if (current == null) {
                return new Record(self, 1, 0);
            }
            if (current.owner().equals(RELEASED)) {
                return new Record(self, current.generation() + 1, 0);
            }
            return current.owner().equals(self) ? new Record(self, current.generation(), current.counter() + 1) : null;
        });
    }

    /**
     * What {@link #claimIfFree} would refuse, read without writing: the lease as the file says
     * now if another holds it, else empty. Lets a daemon refuse before it starts anything.
     */
    public Optional<Record> heldByAnother() {
        Record current = read();
        return current == null || current.owner().equals(RELEASED) || current.owner().equals(self)
                ? Optional.empty() : Optional.of(current);
    }

    /**
     * Renews our lease. Fails (returns false) if another host has taken it — we are fenced and
     * must never release output again — or if the storage cannot be written; in the latter case
     * the lease simply runs out at {@link #isValid()}.
     */
    public boolean renew() {
        try {
            return update(current -> current != null && current.owner().equals(self) && current.generation() == generation
                    ? new Record(self, generation, current.counter() + 1) : null);
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** True while our last renewal is recent enough that no contender can have taken over. */
    public boolean isValid() {
        return clock.getAsLong() - validUntil < 0;
    }

    /**
     * Watches the holder's renewals without ever taking the lease. A standby that calls this
     * while all is well can take over as soon as the holder has been silent for one duration,
     * instead of starting to watch only when it suspects the holder.
     *
     * @return true if the holder renewed since the last look
     */
    public boolean observe() {
        Record seen = read();
        if (seen != null && !seen.equals(watched)) {
            watched = seen;
            watchedSince = clock.getAsLong();
            return true;
        }
        return false;
    }

    /**
     * One step of taking the lease from a holder that may be dead: call periodically. The lease
     * is taken only after the file stayed unchanged for a whole lease duration.
     */
    public Contention contend() {
        Record seen = read();
        long now = clock.getAsLong();
        if (seen == null || seen.owner().equals(self) || seen.owner().equals(RELEASED)) {
            return claimIfFree() ? Contention.ACQUIRED : Contention.HELD;
        }
        if (!seen.equals(watched)) {
            watched = seen;
            watchedSince = now;
            return Contention.HELD;
        }
        if (now - watchedSince < durationNanos) {
            return Contention.WAITING;
        }
        Record expected = seen;
        boolean taken = update(current -> expected.equals(current)
                ? new Record(self, expected.generation() + 1, 0) : null);
        return taken ? Contention.ACQUIRED : Contention.HELD;
    }

    /**
     * As things stand, how long until {@link #contend()} may take the lease: the rest of the
     * watch on an unchanged holder, zero if nothing is watched yet. A renewal seen meanwhile
     * starts the watch again, so this is a lower bound the contender can sleep for.
     */
    public Duration untilTakeable() {
        if (watched == null) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, watchedSince + durationNanos - clock.getAsLong()));
    }

    /**
     * Gives the lease up on a clean shutdown or a manual switch-over, so the peer need not wait a
     * lease duration. The caller must already have stopped releasing output.
     */
    public void release() {
        update(current -> current != null && current.owner().equals(self)
                ? new Record(RELEASED, current.generation(), current.counter() + 1) : null);
        validUntil = clock.getAsLong();
    }

    /** The lease as the file says now, or null if there is no lease file yet. */
    public Record read() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return parse(readAll(ch));
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("witness " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private interface Transition {
        Record next(Record current);
    }

    private boolean update(Transition transition) {
        long started = clock.getAsLong();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
             FileLock ignored = ch.lock()) {
            Record next = transition.next(parse(readAll(ch)));
            if (next == null) {
                return false;
            }
            byte[] bytes = next.line().getBytes(StandardCharsets.US_ASCII);
            // new line first, then cut the old tail: a crash in between leaves a readable first line,
            // never the empty file that reads as "no lease" and would let a contender in at once
            ch.write(ByteBuffer.wrap(bytes), 0);
            ch.truncate(bytes.length);
            ch.force(true);
            if (next.owner().equals(self)) {
                generation = next.generation();
                // validity counts from before the write: the contender may have seen it at once
                validUntil = started + durationNanos - marginNanos;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("witness " + file + ": cannot update: " + e.getMessage(), e);
        }
    }

    private static String readAll(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 4096));
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    private Record parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        // only the first line counts: after it may be the tail of a longer line an update was cutting off
        int newline = text.indexOf('\n');
        Matcher m = LINE.matcher(newline < 0 ? text : text.substring(0, newline + 1));
        if (!m.matches()) {
            throw new IllegalStateException("witness " + file + ": not a kemari lease file (first bytes: '"
                    + text.substring(0, Math.min(40, text.length())).strip() + "')");
        }
        return new Record(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }
}
