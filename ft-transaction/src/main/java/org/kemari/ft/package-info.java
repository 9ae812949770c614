/**
 * ft-transaction: the epoch stream that keeps a paused replica of a running guest on a second
 * host, current to the last acknowledged epoch. The wire format is specified in
 * {@code docs/ft-transaction.md}.
 *
 * <p>The public surface is small:
 * <ul>
 *   <li>{@link org.kemari.ft.transport.Transport} opens an authenticated connection
 *       ({@link org.kemari.ft.transport.TransportConfig}: mutual TLS 1.3, pre-shared key, or
 *       explicitly insecure) and returns a {@link org.kemari.ft.transport.Link};</li>
 *   <li>{@link org.kemari.ft.send.EpochSender} (primary) replicates a domain over a link and
 *       is the {@link org.kemari.ft.SyncBarrier} event-tap waits on;
 *       {@link org.kemari.ft.EpochContributor}s add opaque records to every epoch;</li>
 *   <li>{@link org.kemari.ft.receive.EpochReceiver} (secondary) keeps the replica and reports
 *       how the stream ended ({@link org.kemari.ft.receive.ReceiverOutcome}) to the failover
 *       owner; {@link org.kemari.ft.EpochConsumer}s receive the opaque records at commit, and an
 *       epoch carrying a kind no consumer takes is refused.</li>
 * </ul>
 *
 * <p>Primary:
 * <pre>{@code
 * Link link = Transport.connect(secondaryAddress, TransportConfig.tls(keystore, truststore, password));
 * EpochSender sender = new EpochSender(hv, domid, link, SenderConfig.defaults())
 *         .addContributor(epoch -> List.of(new OpaqueRecord(Kind.EVENT_TAP_LOG, heldLog())))
 *         .listener(progressBar);
 * sender.start();                                   // pre-copy + epoch 1, returns once it is acknowledged
 * sender.requestSync().thenAccept(epoch -> release(requestsHeldBefore));
 * sender.close();                                   // END; the guest keeps running unprotected
 * }</pre>
 *
 * <p>Secondary:
 * <pre>{@code
 * try (Transport.Acceptor acceptor = Transport.listen(bindAddress, config)) {
 *     EpochReceiver receiver = new EpochReceiver(hv, acceptor.accept(), ReceiverConfig.defaults(name + "-replica"))
 *             .addConsumer(EpochConsumer.of(Kind.RING_STATE, (epoch, records) -> ringState.store(epoch, records)));
 *     receiver.start();
 *     ReceiverOutcome end = receiver.outcome().join(); // PRIMARY_LOST + replicaValid(): fail over
 * }
 * }</pre>
 */
package org.kemari.ft;
