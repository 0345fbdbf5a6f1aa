package io.creditscorer.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
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
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A simulation that POSTs one German Credit applicant per request as JSON, in the shape and at the
 * rate of the {@code -D} options ({@link LoadSettings}), and asserts p99 and the error ratio. A
 * shape's warm-up phases (the soak's) run first as their own scenario, with the request named
 * {@code ... (warm-up)}: reported, but the assertions hold the measured phases only.
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
    String request = "POST " + target;
    FeederBuilder<Object> applicants = applicants(settings);
    PopulationBuilder measured =
        scenario(scenarioName)
            .feed(applicants)
            .exec(post(request, target, bodyKey, answerPath))
            .injectOpen(steps(settings, false));
    List<OpenInjectionStep> warmup = steps(settings, true);
    PopulationBuilder population =
        warmup.isEmpty()
            ? measured
            : scenario(scenarioName + " (warm-up)")
                .feed(applicants)
                .exec(post(request + " (warm-up)", target, bodyKey, answerPath))
                .injectOpen(warmup)
                .andThen(measured);
    setUp(population)
        .protocols(protocol(settings))
        .assertions(assertions(settings, warmup.isEmpty() ? null : request));
  }

  private static HttpRequestActionBuilder post(
      String name, String target, String bodyKey, String answerPath) {
    return http(name)
        .post(target)
        .body(StringBody(session -> session.getString(bodyKey)))
        .check(status().is(200), jmesPath(answerPath).exists());
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

  /**
   * The shape's warm-up or measured phases as an open injection profile: arrivals at a rate,
   * whatever the answers take.
   */
  private static List<OpenInjectionStep> steps(LoadSettings settings, boolean warmup) {
    return settings.phases().stream()
        .filter(phase -> phase.warmup() == warmup)
        .map(JsonPostSimulation::step)
        .toList();
  }

  private static OpenInjectionStep step(Phase phase) {
    return phase.fromRps() == phase.toRps()
        ? constantUsersPerSec(phase.fromRps()).during(phase.duration())
        : rampUsersPerSec(phase.fromRps()).to(phase.toRps()).during(phase.duration());
  }

  /**
   * p99 response time and failed-request ratio: of the measured request when there is a warm-up,
   * else of the whole run.
   */
  private static List<Assertion> assertions(LoadSettings settings, String measuredRequest) {
    Assertion.WithPath scope = measuredRequest == null ? global() : details(measuredRequest);
    return List.of(
        scope.responseTime().percentile(99.0).lte(settings.p99Millis()),
        scope.failedRequests().percent().lte(settings.maxErrorPercent()));
  }
}
