package io.creditscorer.load;

/**
 * The credit API by applicant id alone: {@code POST /v1/credit/score} with {@code
 * {"applicants":[{"applicant_id":"A0042"}]}}, ids {@code A0000}..{@code A0999} in a shuffled
 * circular order, so the service must fetch every applicant's fields from its feature store. Needs
 * a service with the feature store; without it every request is refused with 400 and the error
 * assertion fails. {@code loadtest/gatling.sh credit-by-id [rps] [duration]}.
 */
public class CreditScoreByIdSimulation extends JsonPostSimulation {

  public CreditScoreByIdSimulation() {
    super("credit score by applicant id", "/v1/credit/score", "by_id_body", "results[0].decision");
  }
}
