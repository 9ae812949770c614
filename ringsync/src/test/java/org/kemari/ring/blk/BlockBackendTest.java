package org.kemari.ring.blk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kemari.ring.FrontRing;
import org.kemari.ring.Guest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockBackendTest {
    private static final int IMAGE_SIZE = 64 * 1024;

    @TempDir
    Path dir;
    private Path image;
    private final Guest guest = new Guest();
    private final FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
    private BlockBackend backend;

    @BeforeEach
    void createImage() throws IOException {
        image = dir.resolve("disk.img");
        byte[] initial = new byte[IMAGE_SIZE];
        Arrays.fill(initial, (byte) 0xee);
        Files.write(image, initial);
        backend = new BlockBackend(Guest.backOf(front), guest.frontend, image, false);
    }

    @AfterEach
    void close() {
        backend.close();
        assertThat(guest.grants.openMappings()).as("every grant mapping is unmapped").isZero();
    }

    private int frame(int fill) {
        return guest.grants.grantFilled(fill);
    }

    private List<BlkifResponse> submit(BlkifRequest... requests) {
        for (BlkifRequest r : requests) {
            front.post(r);
        }
        front.pushRequestsAndCheckNotify();
        backend.drain();
        List<BlkifResponse> responses = new ArrayList<>();
        while (front.unconsumedResponses() > 0) {
            responses.add(front.takeResponse());
        }
        return responses;
    }

    private byte[] imageBytes(long from, int length) throws IOException {
        return Arrays.copyOfRange(Files.readAllBytes(image), (int) from, (int) from + length);
    }

    private static byte[] filled(int length, int fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void writeThenReadMovesDataBetweenGrantedFramesAndTheImage() throws IOException {
        int source = frame(0x11);
        BlkifRequest write = BlkifRequest.of(Blkif.OP_WRITE, 0, 1, 8, new BlkifSegment(source, 0, 7));
        assertThat(submit(write)).containsExactly(new BlkifResponse(1, Blkif.OP_WRITE, Blkif.RSP_OKAY));
        assertThat(imageBytes(8 * 512, 4096)).isEqualTo(filled(4096, 0x11));
        assertThat(imageBytes(0, 4096)).as("sectors before untouched").isEqualTo(filled(4096, 0xee));

        int target = frame(0);
        BlkifRequest read = BlkifRequest.of(Blkif.OP_READ, 0, 2, 10, new BlkifSegment(target, 2, 3));
        assertThat(submit(read)).containsExactly(new BlkifResponse(2, Blkif.OP_READ, Blkif.RSP_OKAY));
        ByteBuffer got = guest.grants.frame(target);
        byte[] page = new byte[4096];
        got.get(page);
        assertThat(Arrays.copyOfRange(page, 0, 1024)).as("outside first_sect..last_sect").isEqualTo(filled(1024, 0));
        assertThat(Arrays.copyOfRange(page, 1024, 2048)).isEqualTo(filled(1024, 0x11));
        assertThat(Arrays.copyOfRange(page, 2048, 4096)).isEqualTo(filled(2048, 0));
    }

    @Test
    void segmentsAreLaidOutBackToBackOnDisk() throws IOException {
        int a = frame(0xa1);
        int b = frame(0xb2);
        BlkifRequest write = BlkifRequest.of(Blkif.OP_WRITE, 0, 3, 1,
                new BlkifSegment(a, 7, 7), new BlkifSegment(b, 0, 1));
        assertThat(submit(write)).extracting(BlkifResponse::status).containsExactly(Blkif.RSP_OKAY);
        assertThat(imageBytes(512, 512)).isEqualTo(filled(512, 0xa1));
        assertThat(imageBytes(1024, 1024)).isEqualTo(filled(1024, 0xb2));
        assertThat(imageBytes(2048, 512)).isEqualTo(filled(512, 0xee));
    }

    @Test
    void flushAndBarrierSucceedWithAndWithoutData() throws IOException {
        int data = frame(0x42);
        List<BlkifResponse> responses = submit(
                BlkifRequest.of(Blkif.OP_FLUSH_DISKCACHE, 0, 1, 0),
                BlkifRequest.of(Blkif.OP_WRITE_BARRIER, 0, 2, 0),
                BlkifRequest.of(Blkif.OP_WRITE_BARRIER, 0, 3, 16, new BlkifSegment(data, 0, 0)));
        assertThat(responses).extracting(BlkifResponse::status).containsOnly(Blkif.RSP_OKAY);
        assertThat(responses).extracting(BlkifResponse::operation)
                .containsExactly(Blkif.OP_FLUSH_DISKCACHE, Blkif.OP_WRITE_BARRIER, Blkif.OP_WRITE_BARRIER);
        assertThat(imageBytes(16 * 512, 512)).isEqualTo(filled(512, 0x42));
    }

    @Test
    void malformedRequestsAreAnsweredWithErrorsAndTouchNothing() throws IOException {
        int data = frame(0x99);
        long lastSector = IMAGE_SIZE / 512 - 1;
        List<BlkifResponse> responses = submit(
                BlkifRequest.of(Blkif.OP_WRITE, 0, 1, 0),
                BlkifRequest.of(Blkif.OP_WRITE, 0, 2, 0, new BlkifSegment(data, 3, 2)),
                BlkifRequest.of(Blkif.OP_WRITE, 0, 3, 0, new BlkifSegment(data, 0, 8)),
                BlkifRequest.of(Blkif.OP_WRITE, 0, 4, lastSector, new BlkifSegment(data, 0, 1)),
                BlkifRequest.of(Blkif.OP_WRITE, 0, 5, -1L, new BlkifSegment(data, 0, 0)),
                BlkifRequest.of(Blkif.OP_WRITE, 0, 6, 0, new BlkifSegment(12345, 0, 0)),
                new BlkifRequest(Blkif.OP_READ, 12, 0, 7, 0, List.of()),
                BlkifRequest.of(9, 0, 8, 0));
        assertThat(responses).extracting(BlkifResponse::id).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(responses).extracting(BlkifResponse::status).containsOnly(Blkif.RSP_ERROR);
        assertThat(Files.readAllBytes(image)).isEqualTo(filled(IMAGE_SIZE, 0xee));
    }

    @Test
    void theLastSectorIsReachable() throws IOException {
        int data = frame(0x5c);
        long lastSector = IMAGE_SIZE / 512 - 1;
        assertThat(submit(BlkifRequest.of(Blkif.OP_WRITE, 0, 1, lastSector, new BlkifSegment(data, 0, 0))))
                .extracting(BlkifResponse::status).containsExactly(Blkif.RSP_OKAY);
        assertThat(imageBytes(IMAGE_SIZE - 512, 512)).isEqualTo(filled(512, 0x5c));
    }

    @Test
    void unofferedFeaturesAreNotSupported() {
        assertThat(submit(BlkifRequest.of(Blkif.OP_DISCARD, 0, 1, 0), BlkifRequest.of(Blkif.OP_INDIRECT, 0, 2, 0)))
                .extracting(BlkifResponse::status).containsOnly(Blkif.RSP_EOPNOTSUPP);
    }

    @Test
    void aReadOnlyDiskRefusesWritesAndFlushes() throws IOException {
        backend.close();
        backend = new BlockBackend(Guest.backOf(front), guest.frontend, image, true);
        int data = frame(1);
        assertThat(submit(BlkifRequest.of(Blkif.OP_WRITE, 0, 1, 0, new BlkifSegment(data, 0, 0)),
                BlkifRequest.of(Blkif.OP_FLUSH_DISKCACHE, 0, 2, 0),
                BlkifRequest.of(Blkif.OP_READ, 0, 3, 0, new BlkifSegment(data, 0, 0))))
                .extracting(BlkifResponse::status).containsExactly(Blkif.RSP_ERROR, Blkif.RSP_ERROR, Blkif.RSP_OKAY);
        assertThat(Files.readAllBytes(image)).isEqualTo(filled(IMAGE_SIZE, 0xee));
    }

    @Test
    void aMissingImageIsNamed() {
        Path missing = dir.resolve("nope.img");
        assertThatThrownBy(() -> new BlockBackend(Guest.backOf(front), guest.frontend, missing, false))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("block backend: cannot open disk image " + missing);
    }

    @Test
    void theFrontendIsSignalledOnlyWhenItsRspEventIsCrossed() {
        submit(BlkifRequest.of(Blkif.OP_FLUSH_DISKCACHE, 0, 1, 0));
        assertThat(guest.events.sent(Guest.PORT)).isEqualTo(1);
        // The frontend took the response without re-arming rsp_event: no further signal is due.
        submit(BlkifRequest.of(Blkif.OP_FLUSH_DISKCACHE, 0, 2, 0));
        assertThat(guest.events.sent(Guest.PORT)).isEqualTo(1);
        assertThat(front.finalCheckForResponses()).isFalse();
        submit(BlkifRequest.of(Blkif.OP_FLUSH_DISKCACHE, 0, 3, 0));
        assertThat(guest.events.sent(Guest.PORT)).isEqualTo(2);
    }

    @Test
    void theTapDecidesHowFarTheBackendConsumes() throws IOException {
        int w1 = frame(0x01);
        int r2 = frame(0);
        int w3 = frame(0x03);
        front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, 1, 0, new BlkifSegment(w1, 0, 0)));
        front.post(BlkifRequest.of(Blkif.OP_READ, 0, 2, 0, new BlkifSegment(r2, 0, 0)));
        front.post(BlkifRequest.of(Blkif.OP_WRITE, 0, 3, 1, new BlkifSegment(w3, 0, 0)));
        front.pushRequests();

        assertThat(backend.isOutgoing(0)).isTrue();
        assertThat(backend.isOutgoing(1)).isFalse();
        assertThat(backend.isOutgoing(2)).isTrue();
        assertThat(imageBytes(0, 1024)).as("peeking performs nothing").isEqualTo(filled(1024, 0xee));

        assertThat(backend.processUpTo(2)).isEqualTo(2);
        assertThat(imageBytes(0, 512)).isEqualTo(filled(512, 0x01));
        assertThat(imageBytes(512, 512)).as("held write not performed").isEqualTo(filled(512, 0xee));
        assertThat(front.unconsumedResponses()).isEqualTo(2);
        assertThatThrownBy(() -> backend.processUpTo(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blkif ring: end index 4 is not between req_cons 2 and req_prod 3");

        assertThat(backend.processUpTo(3)).isEqualTo(1);
        assertThat(imageBytes(512, 512)).isEqualTo(filled(512, 0x03));
        assertThat(front.unconsumedResponses()).isEqualTo(3);
    }
}
