package org.kemari.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.kemari.ring.blk.Blkif;
import org.kemari.ring.blk.BlkifRequest;
import org.kemari.ring.blk.BlkifResponse;
import org.junit.jupiter.api.Test;

/** Producer/consumer indexes, event indexes and the overflow checks of io/ring.h. */
class RingIndexTest {
    private final FrontRing<BlkifRequest, BlkifResponse> front = Guest.ring(Blkif.PROTOCOL);
    private final BackRing<BlkifRequest, BlkifResponse> back = Guest.backOf(front);

    private static BlkifRequest request(long id) {
        return BlkifRequest.of(Blkif.OP_READ, 0, id, 0);
    }

    private void post(long... ids) {
        for (long id : ids) {
            front.post(request(id));
        }
    }

    private void answerAll() {
        while (back.unconsumedRequests() > 0) {
            BlkifRequest r = back.takeRequest();
            back.respond(new BlkifResponse(r.id(), r.operation(), Blkif.RSP_OKAY));
        }
    }

    @Test
    void frontendNotifiesOnlyWhenItsPushCrossesReqEvent() {
        post(1);
        assertThat(front.pushRequestsAndCheckNotify()).as("req_event 1 crossed").isTrue();
        post(2);
        assertThat(front.pushRequestsAndCheckNotify()).as("backend has not re-armed").isFalse();

        answerAll();
        assertThat(back.finalCheckForRequests()).isFalse();
        assertThat(front.shared().requestEvent()).as("re-armed at req_cons + 1").isEqualTo(3);
        post(3, 4, 5);
        assertThat(front.pushRequestsAndCheckNotify()).as("one notify for a batch").isTrue();
    }

    @Test
    void anEventIndexAheadIsCrossedOnlyByThePushThatReachesIt() {
        front.shared().setRequestEvent(5);
        post(0, 1);
        assertThat(front.pushRequestsAndCheckNotify()).as("2 < 5").isFalse();
        post(2, 3);
        assertThat(front.pushRequestsAndCheckNotify()).as("4 < 5").isFalse();
        post(4);
        assertThat(front.pushRequestsAndCheckNotify()).as("push to 5 crosses 5").isTrue();
    }

    @Test
    void plainPushNeverLooksAtTheEvent() {
        post(1);
        front.pushRequests();
        assertThat(back.requestProducer()).isEqualTo(1);
        assertThat(front.shared().requestEvent()).isEqualTo(1);
    }

    @Test
    void backendNotifiesOnlyWhenItsPushCrossesRspEvent() {
        post(1, 2, 3);
        front.pushRequests();
        BlkifRequest r = back.takeRequest();
        back.respond(new BlkifResponse(r.id(), 0, 0));
        assertThat(back.pushResponsesAndCheckNotify()).isTrue();
        answerAll();
        assertThat(back.pushResponsesAndCheckNotify()).as("frontend has not re-armed").isFalse();

        assertThat(front.takeResponse().id()).isEqualTo(1);
        assertThat(front.finalCheckForResponses()).as("two still unconsumed").isTrue();
        assertThat(front.shared().responseEvent()).as("not re-armed while work remains").isEqualTo(1);
        front.takeResponse();
        front.takeResponse();
        assertThat(front.finalCheckForResponses()).isFalse();
        assertThat(front.shared().responseEvent()).isEqualTo(4);

        post(4);
        front.pushRequests();
        answerAll();
        assertThat(back.pushResponsesAndCheckNotify()).isTrue();
    }

    @Test
    void finalCheckSeesRequestsPublishedBeforeItArms() {
        post(1);
        front.pushRequests();
        answerAll();
        post(2);
        front.pushRequests();
        assertThat(back.finalCheckForRequests()).isTrue();
        assertThat(front.shared().requestEvent()).as("no re-arm when work is found").isEqualTo(1);
    }

    @Test
    void tapCursorFinalCheckArmsPastHeldRequests() {
        post(1, 2);
        front.pushRequestsAndCheckNotify();
        // The tap has inspected both and holds them: nothing consumed.
        assertThat(back.finalCheckForRequests()).as("plain check reports the held ones forever").isTrue();
        assertThat(back.finalCheckForRequestsFrom(1)).as("request 1 not yet inspected").isTrue();
        assertThat(back.finalCheckForRequestsFrom(2)).isFalse();
        assertThat(front.shared().requestEvent()).isEqualTo(3);
        post(3);
        assertThat(front.pushRequestsAndCheckNotify()).as("the new request wakes the tap").isTrue();
        assertThat(back.peekRequest(2).id()).isEqualTo(3);
        assertThat(back.requestConsumer()).as("peeking consumes nothing").isZero();
        assertThatThrownBy(() -> back.finalCheckForRequestsFrom(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blkif ring: cursor 4 is not between req_cons 0 and req_prod 3");
    }

    @Test
    void indexesWrapAt2To32() {
        FrontRing<BlkifRequest, BlkifResponse> wrapFront = Guest.ringAt(Blkif.PROTOCOL, -3);
        BackRing<BlkifRequest, BlkifResponse> wrapBack = Guest.backOf(wrapFront);
        for (long id = 0; id < 6; id++) {
            wrapFront.post(request(id));
        }
        assertThat(wrapFront.pushRequestsAndCheckNotify()).as("event 2^32-2 crossed").isTrue();
        assertThat(wrapBack.requestProducer()).isEqualTo(3);
        assertThat(wrapBack.unconsumedRequests()).isEqualTo(6);
        for (long id = 0; id < 6; id++) {
            BlkifRequest r = wrapBack.takeRequest();
            assertThat(r.id()).isEqualTo(id);
            wrapBack.respond(new BlkifResponse(r.id(), 0, 0));
        }
        assertThat(wrapBack.pushResponsesAndCheckNotify()).isTrue();
        assertThat(wrapBack.finalCheckForRequests()).isFalse();
        assertThat(wrapFront.shared().requestEvent()).isEqualTo(4);
        assertThat(wrapFront.unconsumedResponses()).isEqualTo(6);
        for (long id = 0; id < 6; id++) {
            assertThat(wrapFront.takeResponse().id()).isEqualTo(id);
        }
        assertThat(wrapFront.responseConsumer()).isEqualTo(3);
    }

    @Test
    void aFullRingRefusesOneMoreOnBothSides() {
        for (long id = 0; id < 32; id++) {
            front.post(request(id));
        }
        assertThat(front.isFull()).isTrue();
        assertThatThrownBy(() -> front.post(request(32)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("blkif front ring full: 32 requests outstanding from index 0");
        front.pushRequests();
        assertThat(back.unconsumedRequests()).isEqualTo(32);
        for (int i = 0; i < 32; i++) {
            back.takeRequest();
        }
        assertThat(back.requestConsumerOverflow(back.requestConsumer())).isTrue();
        assertThatThrownBy(back::takeRequest).isInstanceOf(IllegalStateException.class)
                .hasMessage("blkif ring: all 32 slots await responses; answer before consuming index 32");
        back.respond(new BlkifResponse(0, 0, 0));
        assertThat(back.requestConsumerOverflow(back.requestConsumer())).isFalse();
    }

    @Test
    void unconsumedRequestsIsCappedByRoomForResponses() {
        for (long id = 0; id < 4; id++) {
            front.post(request(id));
        }
        front.pushRequests();
        back.takeRequest();
        back.takeRequest();
        // Simulate a frontend that treats the two consumed-but-unanswered slots as free.
        front.shared().setRequestProducer(32);
        assertThat(back.unconsumedRequests()).as("32 - 2 taken, capped to 30 slots of room").isEqualTo(30);
    }

    @Test
    void aRunawayRequestProducerIsAProtocolError() {
        front.shared().setRequestProducer(33);
        assertThatThrownBy(back::requestProducer).isInstanceOf(RingProtocolException.class)
                .hasMessage("blkif ring: frontend req_prod 33 is more than 32 slots past rsp_prod 0");
    }

    @Test
    void aRunawayResponseProducerIsAProtocolError() {
        front.shared().setResponseProducer(-1);
        assertThatThrownBy(front::unconsumedResponses).isInstanceOf(RingProtocolException.class)
                .hasMessage("blkif ring: backend rsp_prod 4294967295 is 4294967295 past rsp_cons 0, more than the 32 slots");
    }

    @Test
    void misuseOfPrivateIndexesIsRefused() {
        assertThatThrownBy(() -> back.peekRequest(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blkif ring: request index 0 is not between req_cons 0 and req_prod 0");
        assertThatThrownBy(() -> back.respond(new BlkifResponse(0, 0, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessage("blkif ring: response 0 would answer a request not yet consumed");
        assertThatThrownBy(front::takeResponse).isInstanceOf(IllegalStateException.class)
                .hasMessage("blkif front ring: no response at index 0");
    }
}
