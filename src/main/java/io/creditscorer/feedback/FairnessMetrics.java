package io.creditscorer.feedback;

import io.creditscorer.feedback.FairnessWindows.AttributeFairness;
import io.creditscorer.feedback.FairnessWindows.Figure;
import io.creditscorer.feedback.FairnessWindows.GroupFairness;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Fairness gauges, read from the latest computed report (a scrape never computes); NaN where a
 * figure is insufficient or undefined, so no alert compares it. Label values come only from the
 * configured attributes and values and the stored versions.
 *
 * <ul>
 *   <li>per model, version, attribute and group: {@code scorer_fairness_decisions}, {@code
 *       scorer_fairness_outcomes} (in the windows), {@code scorer_fairness_approval_rate}, {@code
 *       scorer_fairness_adverse_impact_ratio} with {@code _upper} (its 95 % interval's upper
 *       bound), {@code scorer_fairness_default_rate}, {@code scorer_fairness_true_positive_rate},
 *       {@code scorer_fairness_false_positive_rate}
 *   <li>per model, version and attribute: {@code scorer_fairness_equal_opportunity_difference} with
 *       {@code _lower}
 *   <li>{@code scorer_fairness_equal_opportunity_threshold}: the configured threshold
 * </ul>
 */
final class FairnessMetrics {

  private record Key(String model, String version) {}

  private final MeterRegistry registry;
  private final FairnessWindows.Settings settings;
  private final Supplier<FairnessWindows.Report> report;
  private final Set<Key> registered = ConcurrentHashMap.newKeySet();

  FairnessMetrics(
      MeterRegistry registry,
      FairnessWindows.Settings settings,
      Supplier<FairnessWindows.Report> report) {
    this.registry = registry;
    this.settings = settings;
    this.report = report;
    Gauge.builder(
            "scorer.fairness.equal.opportunity.threshold",
            settings,
            FairnessWindows.Settings::equalOpportunityThreshold)
        .description(
            "Largest difference in true positive rates between groups before it is alerted on")
        .register(registry);
  }

  /** Registers the version's gauges the first time it is seen. */
  void version(String model, String version) {
    if (!registered.add(new Key(model, version))) {
      return;
    }
    settings
        .groups()
        .attributes()
        .forEach(
            (attribute, values) -> {
              attributeGauge(
                  "scorer.fairness.equal.opportunity.difference",
                  "Highest minus lowest true positive rate (declined among defaulted) among groups",
                  model,
                  version,
                  attribute,
                  a -> a.equalOpportunityDifference().value());
              attributeGauge(
                  "scorer.fairness.equal.opportunity.difference.lower",
                  "Lower bound of the equal-opportunity difference's 95 % interval",
                  model,
                  version,
                  attribute,
                  a -> a.equalOpportunityDifference().lower());
              for (String group : values) {
                registerGroup(model, version, attribute, group);
              }
            });
  }

  private void registerGroup(String model, String version, String attribute, String group) {
    groupGauge(
        "scorer.fairness.decisions",
        "Labelled decisions in the window",
        model,
        version,
        attribute,
        group,
        g -> g.decisions());
    groupGauge(
        "scorer.fairness.outcomes",
        "Labelled outcomes in the window",
        model,
        version,
        attribute,
        group,
        g -> g.outcomes());
    groupGauge(
        "scorer.fairness.approval.rate",
        "Share of decisions that approve",
        model,
        version,
        attribute,
        group,
        g -> value(g.approvalRate()));
    groupGauge(
        "scorer.fairness.adverse.impact.ratio",
        "Approval rate over the highest approval rate among the attribute's groups",
        model,
        version,
        attribute,
        group,
        g -> value(g.adverseImpactRatio()));
    groupGauge(
        "scorer.fairness.adverse.impact.ratio.upper",
        "Upper bound of the adverse impact ratio's 95 % interval",
        model,
        version,
        attribute,
        group,
        g -> g.adverseImpactRatio().upper());
    groupGauge(
        "scorer.fairness.default.rate",
        "Observed default rate",
        model,
        version,
        attribute,
        group,
        g -> value(g.defaultRate()));
    groupGauge(
        "scorer.fairness.true.positive.rate",
        "Declined among those who defaulted",
        model,
        version,
        attribute,
        group,
        g -> value(g.truePositiveRate()));
    groupGauge(
        "scorer.fairness.false.positive.rate",
        "Declined among those who repaid",
        model,
        version,
        attribute,
        group,
        g -> value(g.falsePositiveRate()));
  }

  private static double value(Figure f) {
    return f.sufficient() ? f.value() : Double.NaN;
  }

  private void attributeGauge(
      String name,
      String description,
      String model,
      String version,
      String attribute,
      ToDoubleFunction<AttributeFairness> figure) {
    Gauge.builder(name, () -> read(model, version, attribute, a -> figure.applyAsDouble(a)))
        .description(description)
        .tags("model", model, "version", version, "attribute", attribute)
        .register(registry);
  }

  private void groupGauge(
      String name,
      String description,
      String model,
      String version,
      String attribute,
      String group,
      ToDoubleFunction<GroupFairness> figure) {
    Gauge.builder(
            name,
            () ->
                read(
                    model,
                    version,
                    attribute,
                    a -> {
                      List<GroupFairness> groups = a.groups();
                      for (GroupFairness g : groups) {
                        if (g.group().equals(group)) {
                          return figure.applyAsDouble(g);
                        }
                      }
                      return Double.NaN;
                    }))
        .description(description)
        .tags("model", model, "version", version, "attribute", attribute, "group", group)
        .register(registry);
  }

  private double read(
      String model, String version, String attribute, Function<AttributeFairness, Double> f) {
    FairnessWindows.Report r = report.get();
    if (r == null) {
      return Double.NaN;
    }
    for (FairnessWindows.VersionFairness v : r.versions()) {
      if (v.model().equals(model) && v.version().equals(version)) {
        for (AttributeFairness a : v.attributes()) {
          if (a.attribute().equals(attribute)) {
            return f.apply(a);
          }
        }
      }
    }
    return Double.NaN;
  }
}
