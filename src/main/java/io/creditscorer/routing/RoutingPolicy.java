package io.creditscorer.routing;

/**
 * How requests that name no version are spread over a model's versions.
 *
 * @param stable the version most requests get; {@code null}: the latest served
 * @param canary a version that gets {@code canaryPercent} % of applicants, or {@code null}
 * @param canaryPercent 0–100
 * @param shadow a version scored in the background on {@code shadowPercent} % of requests, whose
 *     answer is only compared, never returned; or {@code null}
 * @param shadowPercent 0–100
 * @param fallback the version that answers (marked degraded) when the routed one fails or its
 *     circuit breaker is open, or {@code null}
 */
public record RoutingPolicy(
    String stable,
    String canary,
    int canaryPercent,
    String shadow,
    int shadowPercent,
    String fallback) {

  /** Everything to the latest version, no canary, no shadow. */
  public static final RoutingPolicy LATEST = new RoutingPolicy(null, null, 0, null, 0, null);

  /**
   * @throws IllegalArgumentException naming the field that is out of range or inconsistent
   */
  public RoutingPolicy {
    if (canaryPercent < 0 || canaryPercent > 100) {
      throw new IllegalArgumentException("canary_percent must be between 0 and 100");
    }
    if (shadowPercent < 0 || shadowPercent > 100) {
      throw new IllegalArgumentException("shadow_percent must be between 0 and 100");
    }
    if (canary == null && canaryPercent > 0) {
      throw new IllegalArgumentException("canary_percent needs a canary version");
    }
    if (shadow == null && shadowPercent > 0) {
      throw new IllegalArgumentException("shadow_percent needs a shadow version");
    }
  }
}
