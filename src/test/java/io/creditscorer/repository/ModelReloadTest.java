package io.creditscorer.repository;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.TestModels;
import io.creditscorer.base.Ticker;
import io.creditscorer.batching.BatchSettings;
import io.creditscorer.batching.BatchingRunner;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.ScoringException;
import io.creditscorer.inference.SessionSettings;
import io.creditscorer.routing.Router;
import io.creditscorer.scoring.CreditRequest;
import io.creditscorer.scoring.CreditResult;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading a repository under traffic: new, replaced, broken and removed versions. */
class ModelReloadTest {

  @TempDir Path root;
  ModelRepository repository;

  @BeforeEach
  void writeRepository() throws Exception {
    install("1", "1");
    repository =
        new ModelRepository(
            new RepositorySettings(root, RepositorySettings.VersionPolicy.ALL, 1, 2),
            SessionSettings.defaults());
    repository.loadAll();
  }

  @AfterEach
  void close() {
    repository.close();
  }

  /** Copies the shipped version {@code from} into {@code credit-risk/<as>}, renamed to it. */
  void install(String from, String as) throws Exception {
    Path dir = Files.createDirectories(root.resolve("credit-risk").resolve(as));
    Path onnx = dir.resolve("model.onnx");
    Files.copy(
        Path.of("models/credit-risk", from, "model.onnx"),
        onnx,
        StandardCopyOption.REPLACE_EXISTING);
    String json = Files.readString(Path.of("models/credit-risk", from, "model.json"));
    Files.writeString(
        dir.resolve("model.json"),
        json.replaceFirst("\"version\" : \"" + from + "\"", "\"version\" : \"" + as + "\""));
    // a distinct modification time even within one clock tick
    Files.setLastModifiedTime(
        onnx, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + tick++));
  }

  static long tick = 1;

  @Test
  void reloadLoadsNewAndReplacedVersionsAndRetiresRemovedOnes() throws Exception {
    ModelVersion first = repository.resolve("credit-risk", "1");
    assertTrue(repository.reload().isEmpty(), "nothing changed, nothing reloaded");
    assertSame(first, repository.resolve("credit-risk", "1"));

    install("2", "2");
    ModelRepository.Changes added = repository.reload();
    assertEquals(List.of("credit-risk/2"), added.loaded());
    assertEquals("2", repository.resolve("credit-risk", null).version());

    install("2", "1"); // version 1's files replaced
    ModelRepository.Changes replaced = repository.reload();
    assertEquals(List.of("credit-risk/1"), replaced.loaded());
    assertEquals(List.of("credit-risk/1"), replaced.retired());
    assertTrue(first.model().isDrained(), "no request held it: closed at once");
    assertNotEquals(first.sha256(), repository.resolve("credit-risk", "1").sha256());

    TestModels.deleteRecursively(root.resolve("credit-risk/2"));
    assertEquals(List.of("credit-risk/2"), repository.reload().retired());
    assertThrows(ScoringException.class, () -> repository.resolve("credit-risk", "2"));
    assertEquals("1", repository.resolve("credit-risk", null).version());
  }

  @Test
  void brokenNewFilesNeverReplaceAWorkingVersionAndAreNotRetriedUntilTheyChange() throws Exception {
    ModelVersion working = repository.resolve("credit-risk", "1");
    Files.writeString(root.resolve("credit-risk/1/model.onnx"), "not a model");
    ModelRepository.Changes c = repository.reload();
    assertTrue(c.failed().containsKey("credit-risk/1"), c.toString());
    assertTrue(c.failed().get("credit-risk/1").contains("still serving the previous ones"));
    assertSame(working, repository.resolve("credit-risk", "1"));
    assertFalse(working.model().isDrained());
    assertTrue(repository.reload().isEmpty(), "the same broken files are not tried again");
    assertEquals("READY", repository.index().get(0).state());
    assertTrue(repository.index().get(0).reason().contains("refused"));

    install("1", "1"); // fixed
    assertEquals(List.of("credit-risk/1"), repository.reload().loaded());
    assertEquals("", repository.index().get(0).reason());
  }

  @Test
  void aCreditVersionWhoseAnswersAreNotProbabilitiesFailsItsSmokeCheck() throws Exception {
    install("1", "3");
    Files.write(
        root.resolve("credit-risk/3/model.onnx"), TestModels.notAProbabilityModel().toByteArray());
    ModelRepository.Changes c = repository.reload();
    assertTrue(c.loaded().isEmpty(), c.toString());
    assertTrue(c.failed().get("credit-risk/3").contains("smoke check failed"), c.toString());
    assertEquals("1", repository.resolve("credit-risk", null).version(), "still served: 1");
  }

  @Test
  void aRetiredVersionClosesOnlyWhenItsLastRequestLetsGo() throws Exception {
    ModelVersion old = repository.resolve("credit-risk", "1");
    assertTrue(old.model().tryAcquire());
    install("2", "1");
    repository.reload();
    assertFalse(old.model().isDrained(), "a request still holds it");
    float[] row = new float[55];
    List<io.creditscorer.inference.Tensor> out =
        old.model()
            .run(
                List.of(
                    new io.creditscorer.inference.Tensor(
                        "features",
                        io.creditscorer.inference.DataType.FP32,
                        new long[] {1, 55},
                        row)),
                List.of("probabilities"));
    assertEquals(2, ((float[]) out.get(0).data()).length, "it still runs");
    old.model().release();
    assertTrue(old.model().isDrained());
    assertFalse(old.model().tryAcquire(), "no new lease on a drained version");
  }

  @Test
  void unloadedModelsStayOutUntilLoadedAgain() {
    repository.unload("credit-risk");
    assertThrows(ScoringException.class, () -> repository.resolve("credit-risk", null));
    assertTrue(repository.reload().isEmpty());
    assertEquals("UNLOADED", repository.index().get(0).state());
    assertEquals(List.of("credit-risk/1"), repository.load("credit-risk").loaded());
    assertEquals("1", repository.resolve("credit-risk", null).version());
    ScoringException e = assertThrows(ScoringException.class, () -> repository.load("nope"));
    assertEquals(ScoringException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  void modelNamesAreConfinedToTheRepository() {
    for (String bad : List.of("../models", "..", "a/b", "a\\b", ".hidden", "", "x".repeat(65))) {
      assertThrows(InvalidInputException.class, () -> repository.load(bad), bad);
    }
  }

  @Test
  void continuousRequestsSeeZeroFailuresWhileAVersionIsSwapped20Times() throws Exception {
    install("2", "2");
    repository.reload();
    BatchingRunner runner =
        new BatchingRunner(
            new BatchSettings(true, 64, 200, 2, 1024), Ticker.system(), new SimpleMeterRegistry());
    repository.onRetired(
        v -> java.util.concurrent.CompletableFuture.runAsync(() -> runner.release(v)));
    ScoringEngine engine = TestModels.engine(repository, runner, 2, new Router(Map.of()));
    Arff arff = Arff.read(Path.of("data/credit-g.arff"));
    List<Map<String, Object>> applicants = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      applicants.add(TrainCreditModels.applicant(arff.rows().get(i)));
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    Set<String> shas = ConcurrentHashMap.newKeySet();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        int n = t + 1;
        running.add(
            clients.submit(
                () -> {
                  while (!stop.get()) {
                    try {
                      CreditResult r =
                          engine
                              .score(
                                  new CreditRequest(
                                      null, null, applicants.subList(0, n), null, null))
                              .get(10, TimeUnit.SECONDS);
                      shas.add(String.valueOf(r.results().get(0).probabilityOfDefault()));
                      ok.incrementAndGet();
                    } catch (Exception e) {
                      failures.add(e);
                    }
                  }
                }));
      }
      for (int swap = 0; swap < 20; swap++) {
        install(swap % 2 == 0 ? "1" : "2", "2");
        ModelRepository.Changes c = repository.reload();
        assertEquals(List.of("credit-risk/2"), c.loaded(), "swap " + swap);
        long answered = ok.get();
        await("requests reach the new version").until(() -> ok.get() > answered);
      }
    } finally {
      stop.set(true);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      clients.shutdownNow();
      runner.close();
    }
    assertEquals(List.of(), failures, "no request failed");
    assertTrue(ok.get() > 20, "requests ran during the swaps: " + ok.get());
    assertTrue(shas.size() >= 2, "both models answered: " + shas);
  }
}
