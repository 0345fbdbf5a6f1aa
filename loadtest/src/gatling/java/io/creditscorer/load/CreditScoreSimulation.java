package io.creditscorer.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The credit API with full payloads: {@code POST /v1/credit/score}, one German Credit applicant
 * with all 18 fields per request, answered with a score, a decision and reason codes. {@code
 * loadtest/gatling.sh credit [rps] [duration]}.
 */
public class CreditScoreSimulation extends Simulation {

  public CreditScoreSimulation() {
    LoadSettings settings = GatlingLoad.settings("CreditScoreSimulation");
    ScenarioBuilder scenario =
        scenario("credit score, full payload")
            .feed(GatlingLoad.applicants(settings))
            .exec(
                http("POST /v1/credit/score")
                    .post("/v1/credit/score")
                    .body(StringBody(session -> session.getString("credit_body")))
                    .check(status().is(200), jmesPath("results[0].decision").exists()));
    setUp(GatlingLoad.population(scenario, settings))
        .protocols(GatlingLoad.protocol(settings))
        .assertions(GatlingLoad.assertions(settings));
  }
}
