package io.creditscorer.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.features.FeatureSpec;
import io.creditscorer.inference.DataType;
import io.creditscorer.inference.Tensor;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.training.Arff;
import io.creditscorer.training.TrainCreditModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PSI against the training baseline: quiet on the German Credit data, loud on a real shift. */
class DriftMonitorTest {

  static ModelRepository repository;
  static ModelVersion version;
  static List<Map<String, Object>> rows = new ArrayList<>();

  @BeforeAll
  static void load() throws Exception {
    repository = io.creditscorer.TestModels.shippedModels();
    version = repository.resolve("credit-risk", "2");
    for (Map<String, Object> row : Arff.read(Path.of("data/credit-g.arff")).rows()) {
      rows.add(TrainCreditModels.applicant(row));
    }
  }

  @AfterAll
  static void close() {
    repository.close();
  }

  /**
   * Scores {@code count} requests cycling over the data, each applicant changed by {@code shift}.
   */
  static void replay(DriftMonitor monitor, int count, UnaryOperator<Map<String, Object>> shift)
      throws Exception {
    ModelVersion.Credit credit = version.credit().orElseThrow();
    int width = credit.encoder().width();
    for (int start = 0; start < count; start += 100) {
      List<Map<String, Object>> batch = new ArrayList<>();
      float[] x = new float[100 * width];
      for (int i = 0; i < 100; i++) {
        Map<String, Object> a =
            shift.apply(new LinkedHashMap<>(rows.get((start + i) % rows.size())));
        batch.add(a);
        credit.encoder().encode(a, x, i * width, "a", new ArrayList<>());
      }
      float[] p =
          (float[])
              version
                  .model()
                  .run(
                      List.of(new Tensor("features", DataType.FP32, new long[] {100, width}, x)),
                      List.of("probabilities"))
                  .get(0)
                  .data();
      double[] pd = new double[100];
      for (int i = 0; i < 100; i++) {
        pd[i] = p[i * 2 + credit.defaultColumn()];
      }
      monitor.decided(version, batch, pd);
    }
    monitor.processPending();
  }

  static List<String> features() {
    return version.credit().orElseThrow().encoder().features().stream()
        .map(FeatureSpec::name)
        .toList();
  }

  @Test
  void replayingTheGermanCreditDataKeepsEveryPsiBelowTenPercent() throws Exception {
    DriftMonitor monitor = new DriftMonitor(1000, 10_000, new SimpleMeterRegistry());
    replay(monitor, 1000, a -> a);
    for (String f : features()) {
      assertTrue(monitor.psi(version, f) < 0.1, f + " PSI " + monitor.psi(version, f));
    }
    assertTrue(
        monitor.psi(version, DriftMonitor.OUTPUT) < 0.1,
        "output PSI " + monitor.psi(version, DriftMonitor.OUTPUT));
  }

  @Test
  void doubledAmountsRaiseThatFeaturesPsiWithin2000RequestsAndNoOther() throws Exception {
    DriftMonitor monitor = new DriftMonitor(1000, 10_000, new SimpleMeterRegistry());
    replay(
        monitor,
        2000,
        a -> {
          a.put("credit_amount", ((Number) a.get("credit_amount")).doubleValue() * 2);
          return a;
        });
    assertTrue(
        monitor.psi(version, "credit_amount") > 0.25,
        "credit_amount PSI " + monitor.psi(version, "credit_amount"));
    for (String f : features()) {
      if (!f.equals("credit_amount")) {
        assertTrue(monitor.psi(version, f) < 0.1, f + " PSI " + monitor.psi(version, f));
      }
    }
  }

  @Test
  void aTripledCategoryShareRaisesItsFeaturesPsi() throws Exception {
    DriftMonitor monitor = new DriftMonitor(1000, 10_000, new SimpleMeterRegistry());
    // 'new car' is 23.4 % of the data; turning 61 % of applicants into it makes it 70 %, three
    // times.
    int[] n = {0};
    replay(
        monitor,
        2000,
        a -> {
          if (n[0]++ % 100 < 61) {
            a.put("purpose", "new car");
          }
          return a;
        });
    assertTrue(
        monitor.psi(version, "purpose") > 0.25, "purpose PSI " + monitor.psi(version, "purpose"));
    assertTrue(monitor.psi(version, "age") < 0.1);
  }

  @Test
  void valuesOutsideTheTrainingRangeAreCounted() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DriftMonitor monitor = new DriftMonitor(1000, 10_000, registry);
    replay(
        monitor,
        100,
        a -> {
          a.put("age", 99); // valid (18-120) but older than anyone in the training data
          return a;
        });
    assertEquals(
        100.0,
        registry
            .get("scorer.data.quality")
            .tags("feature", "age", "issue", "out_of_training_range")
            .counter()
            .count());
    assertTrue(
        Double.isFinite(registry.get("scorer.drift.psi").tags("feature", "age").gauge().value()));
  }

  @Test
  void aBusyMonitorDropsAndCountsInsteadOfQueueingWithoutBound() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DriftMonitor monitor = new DriftMonitor(1000, 2, registry);
    for (int i = 0; i < 5; i++) {
      monitor.decided(version, List.of(rows.get(i)), new double[] {0.1});
    }
    assertEquals(
        3.0, registry.get("scorer.drift.dropped").counter().count(), "two fit, three dropped");
    monitor.processPending();
    monitor.decided(version, List.of(rows.get(5)), new double[] {0.1});
    assertEquals(
        3.0, registry.get("scorer.drift.dropped").counter().count(), "room again once drained");
  }

  @Test
  void valuesOfAnUnexpectedTypeAreSkippedAndNeverFailTheRequest() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DriftMonitor monitor = new DriftMonitor(1000, 10_000, registry);
    Map<String, Object> odd = new LinkedHashMap<>(rows.get(0));
    odd.put("age", "sixty"); // a numeric field holding text
    odd.put("purpose", 42); // a categorical field holding a number
    odd.remove("duration"); // a missing field
    for (int i = 0; i < 150; i++) {
      monitor.decided(version, List.of(odd), new double[] {0.2}); // returns; never throws
    }
    monitor.processPending();
    assertEquals(0.0, registry.get("scorer.drift.dropped").counter().count());
    assertTrue(
        Double.isNaN(registry.get("scorer.drift.psi").tags("feature", "age").gauge().value()));
    assertTrue(
        Double.isNaN(registry.get("scorer.drift.psi").tags("feature", "duration").gauge().value()));
    assertTrue(
        Double.isFinite(
            registry.get("scorer.drift.psi").tags("feature", "credit_amount").gauge().value()),
        "the applicant's other fields are still observed");
  }
}
