package io.creditscorer.scoring;

/**
 * @param maxBatchRows most rows (applicants, or the first dimension of a tensor) one call may carry
 * @param creditModel the model the credit-decision API scores with
 */
public record EngineSettings(int maxBatchRows, String creditModel) {

  public EngineSettings {
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("scorer.inference.max-batch-rows must be at least 1");
    }
  }
}
