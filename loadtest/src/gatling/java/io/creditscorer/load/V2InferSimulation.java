package io.creditscorer.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Open Inference Protocol over REST: {@code POST /v2/models/credit-risk/versions/{v}/infer}, one
 * encoded German Credit row per request. {@code loadtest/gatling.sh v2 [rps] [duration]}.
 */
public class V2InferSimulation extends Simulation {

  public V2InferSimulation() {
    LoadSettings settings = GatlingLoad.settings("V2InferSimulation");
    String path = "/v2/models/credit-risk/versions/" + settings.modelVersion() + "/infer";
    ScenarioBuilder scenario =
        scenario("V2 infer, one row")
            .feed(GatlingLoad.applicants(settings))
            .exec(
                http("POST " + path)
                    .post(path)
                    .body(StringBody(session -> session.getString("v2_body")))
                    .check(status().is(200), jmesPath("outputs[0].data[1]").exists()));
    setUp(GatlingLoad.population(scenario, settings))
        .protocols(GatlingLoad.protocol(settings))
        .assertions(GatlingLoad.assertions(settings));
  }
}
