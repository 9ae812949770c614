package org.kemari.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendFenceTest {
    /** Each task its own thread: the common pool has one on a two-cpu machine. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void aBackendWaitsAtTheShutFenceAndWritesOnceItOpens() throws Exception {
        BackendFence fence = new BackendFence();
        AtomicBoolean wrote = new AtomicBoolean();
        fence.shut();
        CompletableFuture<Void> backend = CompletableFuture.runAsync(() -> fence.writing(() -> wrote.set(true)), threads);
        while (!fence.hasWaitingBackends()) {
            Thread.onSpinWait();
        }
        assertThat(wrote).as("no write while the epoch is copied").isFalse();
        fence.open();
        backend.get(10, TimeUnit.SECONDS);
        assertThat(wrote).isTrue();
    }

    @Test
    void theCaptureWaitsForABatchInProgress() throws Exception {
        BackendFence fence = new BackendFence();
        CountDownLatch inBatch = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Void> backend = CompletableFuture.runAsync(() -> fence.writing(() -> {
            inBatch.countDown();
            await(finish);
        }), threads);
        assertThat(inBatch.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> capture = CompletableFuture.runAsync(() -> {
            fence.shut();
            fence.open();
        }, threads);
        while (!fence.hasWaitingBackends()) {
            Thread.onSpinWait();
        }
        assertThat(capture).as("the capture is queued behind the batch").isNotDone();
        finish.countDown();
        backend.get(10, TimeUnit.SECONDS);
        capture.get(10, TimeUnit.SECONDS);
    }

    @Test
    void backendsDoNotWaitForEachOther() throws Exception {
        BackendFence fence = new BackendFence();
        CountDownLatch both = new CountDownLatch(2);
        Runnable batch = () -> fence.writing(() -> {
            both.countDown();
            await(both);
        });
        CompletableFuture<Void> one = CompletableFuture.runAsync(batch, threads);
        CompletableFuture<Void> two = CompletableFuture.runAsync(batch, threads);
        one.get(10, TimeUnit.SECONDS);
        two.get(10, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
