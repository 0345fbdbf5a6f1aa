package io.creditscorer.spi;

import io.creditscorer.decision.Decision;

/**
 * What the engine reports about each call, for metrics. The engine owns this contract and
 * monitoring implements it, so monitoring depends on the engine's base and never the reverse.
 * Called on the request path: implementations must be cheap, thread-safe and never throw.
 */
public interface ScoringObserver {

  /** Label value for a request whose model could not be resolved. */
  String UNRESOLVED = "none";

  String STAGE_FEATURES = "feature_lookup";
  String STAGE_ENCODE = "encode";
  String STAGE_DECIDE = "decide";

  /** The outcome of a call that was answered. */
  String OK = "ok";

  /** One finished call; {@code outcome} is {@code ok} or an error kind. */
  void request(String api, String model, String version, String outcome, long nanos);

  /** Rows in one successful call. */
  void rows(String api, String model, String version, int count);

  /** Time spent in one stage of a request to a model version (see the STAGE_ constants). */
  void stage(String stage, String model, String version, long nanos);

  /** One applicant decided. */
  void decision(String model, String version, Decision decision, double pd);

  /** One applicant scored by the shadow version too. */
  void shadow(String model, String served, String shadow, boolean disagreed, double deltaPd);

  /** A shadow call that could not be made or failed. */
  void shadowFailed(String model, String served, String shadow);

  /** A shadow call dropped because its executor was full. */
  void shadowDropped(String model);

  /** An answer given by the fallback version because {@code failed} could not answer. */
  void fallback(String model, String failed, String fallback);

  /** Reports nothing (tests, benchmarks). */
  static ScoringObserver none() {
    return new ScoringObserver() {
      @Override
      public void request(String api, String model, String version, String outcome, long n) {}

      @Override
      public void rows(String api, String model, String version, int count) {}

      @Override
      public void stage(String stage, String model, String version, long nanos) {}

      @Override
      public void decision(String model, String version, Decision decision, double pd) {}

      @Override
      public void shadow(String model, String served, String shadow, boolean d, double delta) {}

      @Override
      public void shadowFailed(String model, String served, String shadow) {}

      @Override
      public void shadowDropped(String model) {}

      @Override
      public void fallback(String model, String failed, String fallback) {}
    };
  }
}
