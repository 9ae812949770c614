package org.kemari.ft.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;

/**
 * The PSK-mode framing (docs/ft-transaction.md §2.1): every frame carries an HMAC-SHA256 over
 * its sequence number, length and data, so a byte changed, dropped, reordered or replayed on
 * the path is caught. The writer MACs the caller's buffers in place and gathers them out
 * without copying; the reader verifies a whole frame before releasing any of it.
 */
final class MacFrames {
    static final int MAX_FRAME = 1 << 20;
    static final int TAG = 32;

    private MacFrames() {
    }

    static final class Writer extends GatheringWriter {
        private final GatheringByteChannel out;
        private final Mac mac;
        private final ByteBuffer seqAndLength = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        private long seq;

        Writer(GatheringByteChannel out, byte[] key) {
            this.out = out;
            this.mac = Psk.mac(key);
        }

        @Override
        public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long written = 0;
            int i = offset;
            int end = offset + length;
            while (true) {
                while (i < end && !srcs[i].hasRemaining()) {
                    i++;
                }
                if (i == end) {
                    return written;
                }
                List<ByteBuffer> frame = new ArrayList<>();
                int size = 0;
                for (int j = i; j < end && size < MAX_FRAME; j++) {
                    ByteBuffer s = srcs[j];
                    int take = Math.min(s.remaining(), MAX_FRAME - size);
                    if (take > 0) {
                        frame.add(s.slice(s.position(), take));
                        s.position(s.position() + take);
                        size += take;
                    }
                }
                sendFrame(frame, size);
                written += size;
            }
        }

        private void sendFrame(List<ByteBuffer> data, int size) throws IOException {
            seqAndLength.clear().putLong(seq++).putInt(size).flip();
            mac.update(seqAndLength);
            for (ByteBuffer d : data) {
                mac.update(d.duplicate());
            }
            ByteBuffer[] all = new ByteBuffer[data.size() + 2];
            all[0] = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, size);
            for (int k = 0; k < data.size(); k++) {
                all[k + 1] = data.get(k);
            }
            ByteBuffer tag = ByteBuffer.wrap(mac.doFinal());
            all[all.length - 1] = tag;
            while (tag.hasRemaining()) {
                out.write(all);
            }
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    static final class Reader extends FilterReadChannel {
        private final Mac mac;
        private final String peer;
        private final ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer frame = ByteBuffer.allocate(MAX_FRAME + TAG);
        private final ByteBuffer seqAndLength = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        private long seq;
        private boolean eof;

        Reader(ReadableByteChannel in, byte[] key, String peer) {
            super(in);
            this.mac = Psk.mac(key);
            this.peer = peer;
            frame.limit(0);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!frame.hasRemaining() && !nextFrame()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), frame.remaining());
            dst.put(dst.position(), frame, frame.position(), n);
            dst.position(dst.position() + n);
            frame.position(frame.position() + n);
            return n;
        }

        private boolean nextFrame() throws IOException {
            if (eof) {
                return false;
            }
            head.clear();
            if (!fill(head, true)) {
                eof = true;
                return false;
            }
            long size = Integer.toUnsignedLong(head.getInt(0));
            if (size < 1 || size > MAX_FRAME) {
                throw new AuthenticationException("frame " + seq + " from " + peer + ": length " + size + " outside 1.." + MAX_FRAME);
            }
            frame.clear().limit((int) size + TAG);
            fill(frame, false);
            seqAndLength.clear().putLong(seq).putInt((int) size).flip();
            mac.update(seqAndLength);
            mac.update(frame.array(), 0, (int) size);
            byte[] tag = mac.doFinal();
            if (!MessageDigest.isEqual(tag, java.util.Arrays.copyOfRange(frame.array(), (int) size, (int) size + TAG))) {
                throw new AuthenticationException("frame " + seq + " from " + peer
                        + ": HMAC mismatch (data altered, replayed or reordered on the path)");
            }
            seq++;
            frame.position(0).limit((int) size);
            return true;
        }

        /** Fills {@code b}; false on a clean end of stream before its first byte, if allowed. */
        private boolean fill(ByteBuffer b, boolean eofAllowed) throws IOException {
            while (b.hasRemaining()) {
                if (in.read(b) < 0) {
                    if (eofAllowed && b.position() == 0) {
                        return false;
                    }
                    throw new AuthenticationException("frame " + seq + " from " + peer + " truncated");
                }
            }
            return true;
        }
    }
}
