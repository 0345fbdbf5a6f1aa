package io.creditscorer.load;

/**
 * The credit API with full payloads: {@code POST /v1/credit/score}, one German Credit applicant
 * with all 18 fields per request, answered with a score, a decision and reason codes. {@code
 * loadtest/gatling.sh credit [rps] [duration]}.
 */
public class CreditScoreSimulation extends JsonPostSimulation {

  public CreditScoreSimulation() {
    super("credit score, full payload", "/v1/credit/score", "credit_body", "results[0].decision");
  }
}
