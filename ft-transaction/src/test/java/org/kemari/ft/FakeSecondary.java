package org.kemari.ft;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.kemari.ft.transport.Link;
import org.kemari.ft.wire.Control;
import org.kemari.ft.wire.Features;
import org.kemari.ft.wire.Outbox;
import org.kemari.ft.wire.Record;
import org.kemari.ft.wire.RecordReader;
import org.kemari.ft.wire.RecordType;
import org.kemari.ft.wire.Role;
import org.kemari.ft.wire.StreamHeader;
import org.kemari.ft.wire.Wire;

/**
 * A secondary under the test's control: answers the header, reports each committed epoch
 * number, and acknowledges only when told to, so tests can hold the primary's epochs in flight.
 */
final class FakeSecondary implements AutoCloseable {
    final BlockingQueue<Long> commits = new LinkedBlockingQueue<>();
    private final Link link;
    private final Outbox out;
    private final Thread reader;

    FakeSecondary(Link link) {
        this.link = link;
        this.out = new Outbox(link.out());
        this.reader = new Thread(this::run, "fake-secondary");
        reader.setDaemon(true);
        reader.start();
    }

    private void run() {
        try {
            StreamHeader primary = StreamHeader.decode(RecordReader.readHeader(link.in()), Role.PRIMARY);
            out.header(primary.answer(Features.NONE));
            RecordReader in = new RecordReader(link.in(), StreamHeader.SIZE, Wire.MAX_RECORD);
            while (true) {
                Record r = in.next();
                if (r.type() == RecordType.EPOCH_COMMIT) {
                    commits.add(Control.EpochCommit.decode(r).epoch());
                }
            }
        } catch (IOException e) {
            // the primary closed; the test is over
        }
    }

    void ack(long epoch) throws IOException {
        out.record(RecordType.ACK, new Control.Ack(epoch).encode());
    }

    void heartbeat() throws IOException {
        out.record(RecordType.HEARTBEAT, new Control.Heartbeat(0, 0).encode());
    }

    @Override
    public void close() throws Exception {
        link.close();
        reader.join(5000);
    }
}
