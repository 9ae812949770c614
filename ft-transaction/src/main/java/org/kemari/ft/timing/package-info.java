/**
 * Per-stage timing of every epoch, always on: {@link org.kemari.ft.timing.StageTimes} keeps the
 * recent samples of each {@link org.kemari.ft.timing.Stage} in fixed rings, and
 * {@link org.kemari.ft.timing.EpochTimings} is what the sender and the receiver report from them
 * (docs/benchmarks.md, "Stages of an epoch"; docs/admin-guide.md, "Monitoring").
 */
package org.kemari.ft.timing;
