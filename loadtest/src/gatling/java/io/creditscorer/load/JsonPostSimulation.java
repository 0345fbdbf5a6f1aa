package io.creditscorer.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.creditscorer.load.LoadSettings.Phase;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A simulation that POSTs one German Credit applicant per request as JSON, in the shape and at the
 * rate of the {@code -D} options ({@link LoadSettings}), and asserts p99 and the error ratio.
 */
abstract class JsonPostSimulation extends Simulation {

  /**
   * @param scenarioName name in the report
   * @param path request path; {@code {version}} stands for {@code model.version}
   * @param bodyKey feeder key of the body ({@link GermanCreditApplicants#feederRecords(long)})
   * @param answerPath JMESPath that a well-formed answer has
   */
  JsonPostSimulation(String scenarioName, String path, String bodyKey, String answerPath) {
    LoadSettings settings = settings(getClass().getSimpleName());
    String target = path.replace("{version}", settings.modelVersion());
    ScenarioBuilder scenario =
        scenario(scenarioName)
            .feed(applicants(settings))
            .exec(
                http("POST " + target)
                    .post(target)
                    .body(StringBody(session -> session.getString(bodyKey)))
                    .check(status().is(200), jmesPath(answerPath).exists()));
    setUp(population(scenario, settings))
        .protocols(protocol(settings))
        .assertions(assertions(settings));
  }

  /** The settings from {@code -D} options; printed once so a report can be matched to its run. */
  private static LoadSettings settings(String simulation) {
    LoadSettings settings = LoadSettings.fromSystemProperties();
    System.out.println(simulation + ": " + settings.describe() + ", HTTP port " + settings.port());
    return settings;
  }

  /**
   * German Credit applicants, one per request, in a shuffled order fed circularly: every row once
   * per 1,000 requests and never the same row twice in a row.
   */
  private static FeederBuilder<Object> applicants(LoadSettings settings) {
    try {
      GermanCreditApplicants data =
          GermanCreditApplicants.load(Path.of(settings.projectDir()), settings.modelVersion());
      return listFeeder(data.feederRecords(42)).circular();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loopback HTTP/1.1 with keep-alive connections shared by all virtual users, as a calling
   * service's connection pool would be (without sharing, each open-model user opens its own).
   */
  private static HttpProtocolBuilder protocol(LoadSettings settings) {
    return http.baseUrl("http://" + settings.host() + ":" + settings.port())
        .contentTypeHeader("application/json")
        .acceptHeader("application/json")
        .shareConnections();
  }

  /** The shape as an open injection profile: arrivals at a rate, whatever the answers take. */
  private static PopulationBuilder population(ScenarioBuilder scenario, LoadSettings settings) {
    List<OpenInjectionStep> steps =
        settings.phases().stream().map(JsonPostSimulation::step).toList();
    return scenario.injectOpen(steps);
  }

  private static OpenInjectionStep step(Phase phase) {
    return phase.fromRps() == phase.toRps()
        ? constantUsersPerSec(phase.fromRps()).during(phase.duration())
        : rampUsersPerSec(phase.fromRps()).to(phase.toRps()).during(phase.duration());
  }

  /** p99 response time and failed-request ratio over the whole run. */
  private static List<Assertion> assertions(LoadSettings settings) {
    return List.of(
        global().responseTime().percentile(99.0).lte(settings.p99Millis()),
        global().failedRequests().percent().lte(settings.maxErrorPercent()));
  }
}
