package io.creditscorer.scoring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestModels;
import io.creditscorer.TestRepositoryResource;
import io.creditscorer.api.rest.CreditApiTest;
import io.creditscorer.base.Ticker;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.routing.Router;
import io.creditscorer.routing.RoutingPolicy;
import io.creditscorer.spi.InferenceRunner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A version whose inference fails (failures injected in front of the real runtime): its circuit
 * breaker opens, the fallback version answers marked degraded, and the version recovers. Runs in
 * the Quarkus container because SmallRye Fault Tolerance's guards live there.
 */
@QuarkusTest
@QuarkusTestResource(TestRepositoryResource.class)
class FallbackTest {

  /** Runs the real models; fails version 2 while {@code failing} is set. */
  final class FaultInjectingRunner implements InferenceRunner {
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger version2Calls = new AtomicInteger();
    final DirectRunner direct = new DirectRunner();

    @Override
    public CompletableFuture<List<Tensor>> run(
        ModelVersion version, List<Tensor> feeds, List<String> outputs, long deadline) {
      if (version.version().equals("2")) {
        version2Calls.incrementAndGet();
        if (failing.get()) {
          return CompletableFuture.failedFuture(
              new ScoringException(ScoringException.Kind.INTERNAL, "injected runtime failure"));
        }
      }
      return direct.run(version, feeds, outputs, deadline);
    }

    @Override
    public void close() {}
  }

  @Inject Vertx vertx;
  ModelRepository repository;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  FaultInjectingRunner faults;
  GuardedRunner guarded;
  Router router;
  ScoringEngine engine;

  @BeforeEach
  void setUp() {
    repository = TestModels.shippedModels();
    faults = new FaultInjectingRunner();
    router = new Router(Map.of("credit-risk", new RoutingPolicy(null, null, 0, null, 0, "1")));
    engine =
        TestModels.engine(
            repository,
            guarded =
                new GuardedRunner(
                    faults, new GuardedRunner.Settings(4, 0.5, Duration.ofMillis(300)), registry),
            0,
            router);
  }

  @AfterEach
  void tearDown() {
    repository.close();
  }

  CreditResult score(String version) throws Exception {
    return engine
        .score(new CreditRequest(null, version, List.of(CreditApiTest.applicant()), null, null))
        .get(10, TimeUnit.SECONDS);
  }

  double circuitOpen(String version) {
    return registry.get("scorer.circuit.open").tag("version", version).gauge().value();
  }

  static ScoringException failure(Exception e) {
    return (ScoringException) (e instanceof ExecutionException ? e.getCause() : e);
  }

  @Test
  void aFailingVersionOpensItsCircuitTheFallbackAnswersDegradedAndItRecovers() throws Exception {
    CreditResult healthy = score(null);
    assertEquals("2", healthy.modelVersion());
    assertFalse(healthy.degraded());

    faults.failing.set(true);
    int before = faults.version2Calls.get();
    for (int i = 0; i < 4; i++) {
      CreditResult r = score(null);
      assertEquals("1", r.modelVersion());
      assertTrue(r.degraded(), "answered by the fallback, and says so");
    }
    // the window holds the healthy call and three failures: 3/4 >= 0.5 opens the circuit
    int calls = faults.version2Calls.get();
    assertEquals(before + 3, calls);
    for (int i = 0; i < 10; i++) {
      assertTrue(score(null).degraded());
    }
    assertEquals(calls, faults.version2Calls.get(), "the open circuit no longer calls it");
    assertEquals(1, circuitOpen("2"));
    assertEquals(0, circuitOpen("1"));

    faults.failing.set(false);
    // The trial call after the breaker's open period (SmallRye's own clock) closes it again.
    CreditResult r =
        await("version 2 answers again without a restart")
            .pollInterval(Duration.ofMillis(20))
            .until(() -> score(null), answer -> !answer.degraded());
    assertEquals("2", r.modelVersion());
    assertEquals(0, circuitOpen("2"));
  }

  @Test
  void onAnEventLoopTheBreakerAnswersOnTheCallingThreadAndStillOpens() throws Exception {
    faults.failing.set(true);
    ModelVersion v2 = repository.resolve("credit-risk", "2");
    List<Tensor> feeds =
        List.of(new Tensor("features", DataType.FP32, new long[] {1, 55}, new float[55]));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    vertx.runOnContext(
        ignored -> {
          Thread loop = Thread.currentThread();
          List<String> outcomes = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            guarded
                .run(v2, feeds, List.of("probabilities"), deadline)
                .whenComplete(
                    (result, e) ->
                        outcomes.add(
                            (Thread.currentThread() == loop ? "loop " : "elsewhere ")
                                + failure((Exception) e.getCause()).kind()));
          }
          seen.complete(List.copyOf(outcomes)); // what completed before the loop moved on
        });
    assertEquals(
        List.of(
            "loop INTERNAL",
            "loop INTERNAL",
            "loop INTERNAL",
            "loop INTERNAL",
            "loop UNAVAILABLE",
            "loop UNAVAILABLE"),
        seen.get(10, TimeUnit.SECONDS),
        "four failures open the circuit; every answer came at once, on the loop that asked");
  }

  @Test
  void withoutAFallbackAnOpenCircuitIsA503NamingTheVersion() throws Exception {
    router.set("credit-risk", RoutingPolicy.LATEST);
    faults.failing.set(true);
    for (int i = 0; i < 4; i++) {
      Exception e =
          org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> score(null));
      assertEquals(ScoringException.Kind.INTERNAL, failure(e).kind());
    }
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> score(null));
    assertEquals(ScoringException.Kind.UNAVAILABLE, failure(e).kind());
    assertTrue(failure(e).getMessage().contains("credit-risk/2"), failure(e).getMessage());
    assertTrue(failure(e).getMessage().contains("circuit breaker is open"));
  }

  @Test
  void anExplicitVersionIsNeverSwappedForTheFallback() {
    faults.failing.set(true);
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> score("2"));
    assertEquals(ScoringException.Kind.INTERNAL, failure(e).kind());
  }

  @Test
  void badInputDoesNotCountAgainstTheVersion() throws Exception {
    for (int i = 0; i < 20; i++) {
      Map<String, Object> bad = new java.util.HashMap<>(CreditApiTest.applicant());
      bad.put("age", 7);
      engine.score(new CreditRequest(null, null, List.of(bad), null, null));
    }
    CreditResult r = score(null);
    assertFalse(r.degraded());
    assertEquals("2", r.modelVersion());
  }

  @Test
  void aVersionLoadedAgainKeepsOneGaugeAndReleasingItsNewestLoadRemovesIt() throws Exception {
    ModelVersion first = repository.resolve("credit-risk", "2");
    score("2");
    assertEquals(0, circuitOpen("2"));
    try (ModelRepository again = TestModels.shippedModels()) { // the same version, loaded again
      ModelVersion second = again.resolve("credit-risk", "2");
      List<Tensor> row =
          List.of(
              new Tensor(
                  second.inputs().get(0).name(),
                  DataType.FP32,
                  new long[] {1, second.inputs().get(0).shape()[1]},
                  new float[(int) second.inputs().get(0).shape()[1]]));
      guarded
          .run(
              second,
              row,
              List.of(second.outputs().get(0).name()),
              Ticker.system().read() + TimeUnit.SECONDS.toNanos(10))
          .get(10, TimeUnit.SECONDS);
      guarded.release(first); // the older load goes: the gauge stays with the newer one
      assertEquals(0, circuitOpen("2"));
      guarded.release(second);
      assertNull(registry.find("scorer.circuit.open").tag("version", "2").gauge());
    }
  }
}
