package io.creditscorer.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Exemplars stay on buckets and counters' totals, where OpenMetrics (and Prometheus) allow them.
 */
class MetricsExpositionTest {

  @Test
  void exemplarsLeaveEveryLineButBucketsAndTotals() {
    String exemplar = " # {span_id=\"3d2c\",trace_id=\"0af7\"} 0.12 1796644150.934";
    String in =
        String.join(
            "\n",
            "# TYPE scorer_requests_seconds histogram",
            "scorer_requests_seconds_bucket{le=\"0.25\"} 1.0" + exemplar,
            "scorer_requests_seconds_count{version=\"2\"} 1.0" + exemplar,
            "scorer_requests_seconds_sum 0.12" + exemplar,
            "scorer_decisions_total{decision=\"approve\"} 3.0" + exemplar,
            "scorer_queue_depth 0.0",
            "# EOF");
    assertEquals(
        String.join(
                "\n",
                "# TYPE scorer_requests_seconds histogram",
                "scorer_requests_seconds_bucket{le=\"0.25\"} 1.0" + exemplar,
                "scorer_requests_seconds_count{version=\"2\"} 1.0",
                "scorer_requests_seconds_sum 0.12",
                "scorer_decisions_total{decision=\"approve\"} 3.0" + exemplar,
                "scorer_queue_depth 0.0",
                "# EOF")
            + "\n",
        MetricsExposition.exemplarsWhereAllowed(in));
  }
}
