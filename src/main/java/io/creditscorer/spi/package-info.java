/**
 * The contracts between the scoring engine and the capabilities around it: the engine calls them,
 * capabilities implement them ({@link io.creditscorer.spi.InferenceRunner} by batching, {@link
 * io.creditscorer.spi.AuditSink} by the audit log and outcome feedback, {@link
 * io.creditscorer.spi.DecisionListener} by drift monitoring, {@link
 * io.creditscorer.spi.ScoringObserver} by the metrics). Sits below the engine and those
 * capabilities, so neither needs the other.
 */
package io.creditscorer.spi;
