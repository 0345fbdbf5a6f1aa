package io.creditscorer.app;

import io.creditscorer.base.Ticker;
import io.creditscorer.features.FeatureStore;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.monitoring.LogAuditSink;
import io.creditscorer.monitoring.ScoringMetrics;
import io.creditscorer.repository.ModelRepository;
import io.creditscorer.routing.Router;
import io.creditscorer.scoring.AuditKey;
import io.creditscorer.scoring.EngineSettings;
import io.creditscorer.scoring.ScoringEngine;
import io.creditscorer.spi.InferenceRunner;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.OptionalDouble;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The scoring engine, from {@code scorer.credit.*} and {@code scorer.inference.*}, wired to the
 * capabilities: every decision goes to the decision store's queue, then to the audit trail.
 */
@Singleton
public class EngineBeans {

  private static final Logger LOG = Logger.getLogger(EngineBeans.class);

  /** Shadow scorings that may wait for the shadow thread; beyond it they are skipped, counted. */
  private static final int SHADOW_QUEUE = 1024;

  @Produces
  @Singleton
  @Named("shadow")
  ExecutorService shadowExecutor() {
    return new ThreadPoolExecutor(
        1,
        1,
        0,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(SHADOW_QUEUE),
        r -> {
          Thread t = new Thread(r, "shadow-scoring");
          t.setDaemon(true);
          return t;
        });
  }

  void closeShadowExecutor(@Disposes @Named("shadow") ExecutorService shadow) {
    shadow.shutdownNow();
  }

  @Produces
  @Singleton
  ScoringEngine engine(
      ModelRepository repository,
      InferenceRunner runner,
      FeatureStore features,
      Router router,
      ScorerConfig config,
      ScoringMetrics metrics,
      LogAuditSink auditLog,
      OutcomeFeedback feedback,
      MonitoringBeans.Drift drift,
      @Named("shadow") ExecutorService shadow) {
    ScorerConfig.Credit credit = config.credit();
    ScorerConfig.Credit.Policy policy = credit.policy();
    return new ScoringEngine(
        repository,
        runner,
        new EngineSettings(
            config.inference().maxRequestRows(),
            credit.model(),
            config.inference().defaultTimeout(),
            credit.reasonCount(),
            new EngineSettings.PolicyOverride(
                policy.version().orElse(null),
                boxed(policy.approveBelow()),
                boxed(policy.declineAtOrAbove()),
                boxed(policy.maxAutoApproveAmount())),
            credit.idempotency().window(),
            credit.idempotency().maxBytes().asLongValue(),
            auditKey(config.audit())),
        metrics,
        Ticker.system(),
        // The decision store first: when its queue is full the decision is refused before the
        // audit trail records it as issued.
        record -> {
          feedback.record(record);
          auditLog.record(record);
        },
        drift.listener(),
        features,
        router,
        shadow);
  }

  /** The configured audit key, or a random one for this run (said in a WARN line). */
  private static AuditKey auditKey(AuditConfig audit) {
    if (audit.hmacKey().isPresent()) {
      return AuditKey.of(audit.hmacKeyId(), audit.hmacKey().get());
    }
    AuditKey ephemeral = AuditKey.ephemeral();
    LOG.warnf(
        "scorer.audit.hmac-key is not set: audit fingerprints use a random key of this run (%s)"
            + " and cannot be compared with another run's; set it from a Secret",
        ephemeral.id());
    return ephemeral;
  }

  private static Double boxed(OptionalDouble value) {
    return value.isPresent() ? value.getAsDouble() : null;
  }
}
