package io.creditscorer.app;

import io.creditscorer.feedback.DecisionStore;
import io.creditscorer.feedback.FairnessWindows;
import io.creditscorer.feedback.FeedbackSettings;
import io.creditscorer.feedback.FileDecisionStore;
import io.creditscorer.feedback.MonitoredGroups;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.feedback.PerformanceWindows;
import io.creditscorer.feedback.RedisDecisionStore;
import io.creditscorer.repository.ModelRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.TreeMap;

/** Outcome feedback ({@code scorer.feedback.*}): the decision store and realised performance. */
@Singleton
public class FeedbackBeans {

  /** How often the feedback thread stores queued decisions. */
  private static final Duration PERIOD = Duration.ofMillis(10);

  /**
   * The decision store (replayed from its files) and outcome feedback, with its background thread.
   * The stable version is the configured one, or the one requests get by default.
   */
  @Produces
  @Singleton
  OutcomeFeedback feedback(
      ScorerConfig config, ModelRepository repository, MeterRegistry registry, Vertx vertx) {
    FeedbackConfig fb = config.feedback();
    FeedbackConfig.Store s = fb.store();
    DecisionStore store =
        switch (s.type()) {
          case file ->
              FileDecisionStore.open(s.path(), s.maxEntries(), s.retention(), Clock.systemUTC());
          case redis ->
              new RedisDecisionStore(
                  vertx,
                  fb.redis()
                      .url()
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "scorer.feedback.store.type=redis needs"
                                      + " scorer.feedback.redis.url")),
                  fb.redis().keyPrefix(),
                  s.maxEntries(),
                  s.retention(),
                  fb.redis().timeout(),
                  Clock.systemUTC());
        };
    String creditModel = config.credit().model();
    OutcomeFeedback feedback =
        new OutcomeFeedback(
            store,
            new FeedbackSettings(
                fb.queueCapacity(),
                fb.maxOutcomesPerRequest(),
                fb.refreshInterval(),
                new PerformanceWindows.Settings(
                    fb.windowOutcomes(), fb.windowDuration(), fb.calibrationBands()),
                fairness(config.fairness())),
            Clock.systemUTC(),
            (model, version) ->
                model.equals(creditModel) && version.equals(stableVersion(fb, repository, model)),
            registry);
    feedback.start(PERIOD);
    return feedback;
  }

  private static FairnessWindows.Settings fairness(FairnessConfig f) {
    MonitoredGroups groups =
        f.attributes().isEmpty()
            ? MonitoredGroups.DEFAULT
            : new MonitoredGroups(new TreeMap<>(f.attributes()));
    return new FairnessWindows.Settings(
        groups, f.minimumGroupSize(), f.equalOpportunityThreshold());
  }

  /** The configured stable version, or the one requests naming no version get (its latest). */
  private static String stableVersion(FeedbackConfig fb, ModelRepository repository, String model) {
    return fb.stableVersion()
        .orElseGet(() -> repository.model(model).map(m -> m.latest().version()).orElse(null));
  }

  /** Stores what is queued and closes the decision store's file. */
  void close(@Disposes OutcomeFeedback feedback) {
    feedback.close();
  }
}
