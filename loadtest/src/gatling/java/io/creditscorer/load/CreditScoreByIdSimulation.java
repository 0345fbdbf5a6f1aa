package io.creditscorer.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The credit API by applicant id alone: {@code POST /v1/credit/score} with {@code
 * {"applicants":[{"applicant_id":"A0042"}]}}, ids {@code A0000}..{@code A0999} in a shuffled
 * circular order, so the service must fetch every applicant's fields from its feature store. Needs
 * a service with the feature store; without it every request is refused with 400 and the error
 * assertion fails. {@code loadtest/gatling.sh credit-by-id [rps] [duration]}.
 */
public class CreditScoreByIdSimulation extends Simulation {

  public CreditScoreByIdSimulation() {
    LoadSettings settings = GatlingLoad.settings("CreditScoreByIdSimulation");
    ScenarioBuilder scenario =
        scenario("credit score by applicant id")
            .feed(GatlingLoad.applicants(settings))
            .exec(
                http("POST /v1/credit/score (applicant_id)")
                    .post("/v1/credit/score")
                    .body(StringBody(session -> session.getString("by_id_body")))
                    .check(status().is(200), jmesPath("results[0].decision").exists()));
    setUp(GatlingLoad.population(scenario, settings))
        .protocols(GatlingLoad.protocol(settings))
        .assertions(GatlingLoad.assertions(settings));
  }
}
