package io.creditscorer.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.creditscorer.load.LoadSettings.Phase;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What every simulation shares: settings, the applicant feeder, the HTTP protocol, shape, checks.
 */
final class GatlingLoad {

  private GatlingLoad() {}

  /** The settings from {@code -D} options; printed once so a report can be matched to its run. */
  static LoadSettings settings(String simulation) {
    LoadSettings settings = LoadSettings.fromSystemProperties();
    System.out.println(simulation + ": " + settings.describe() + ", HTTP port " + settings.port());
    return settings;
  }

  /**
   * German Credit applicants, one per request, in a shuffled order fed circularly: every row once
   * per 1,000 requests and never the same row twice in a row.
   */
  static FeederBuilder<Object> applicants(LoadSettings settings) {
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
  static HttpProtocolBuilder protocol(LoadSettings settings) {
    return http.baseUrl("http://" + settings.host() + ":" + settings.port())
        .contentTypeHeader("application/json")
        .acceptHeader("application/json")
        .shareConnections();
  }

  /** The shape as an open injection profile: arrivals at a rate, whatever the answers take. */
  static PopulationBuilder population(ScenarioBuilder scenario, LoadSettings settings) {
    List<OpenInjectionStep> steps = settings.phases().stream().map(GatlingLoad::step).toList();
    return scenario.injectOpen(steps);
  }

  private static OpenInjectionStep step(Phase phase) {
    return phase.fromRps() == phase.toRps()
        ? constantUsersPerSec(phase.fromRps()).during(phase.duration())
        : rampUsersPerSec(phase.fromRps()).to(phase.toRps()).during(phase.duration());
  }

  /** p99 response time and failed-request ratio over the whole run. */
  static List<Assertion> assertions(LoadSettings settings) {
    return List.of(
        global().responseTime().percentile(99.0).lte(settings.p99Millis()),
        global().failedRequests().percent().lte(settings.maxErrorPercent()));
  }
}
