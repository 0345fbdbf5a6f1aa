package io.creditscorer.scoring;

import io.creditscorer.decision.DecisionPolicy;
import io.creditscorer.decision.Reason;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.repository.ModelVersion;
import io.creditscorer.spi.AuditRecord;
import io.creditscorer.spi.AuditSink;
import io.creditscorer.spi.DecisionListener;
import io.creditscorer.spi.ScoringObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision step of a credit request: each applicant's probability of default to points, a
 * decision under the policy and its reason codes; each decision audited, counted and told to the
 * listener. Thread-safe.
 */
final class CreditDecider {

  /**
   * What was scored: the applicants as assembled, and how the input was laid out ({@code
   * rowsPerApplicant} rows each: one, or one plus a perturbed row per field for reasons by
   * perturbation).
   */
  record Scored(
      ModelVersion version,
      ModelVersion.Credit credit,
      DecisionPolicy policy,
      String requestId,
      String caller,
      ApplicantAssembler.Assembled applicants,
      boolean explain,
      int rowsPerApplicant) {}

  private final int reasonCount;
  private final AuditSink audit;
  private final DecisionListener listener;
  private final ScoringObserver metrics;
  private final AuditKey auditKey;

  CreditDecider(
      int reasonCount,
      AuditKey auditKey,
      AuditSink audit,
      DecisionListener listener,
      ScoringObserver metrics) {
    this.reasonCount = reasonCount;
    this.auditKey = auditKey;
    this.audit = audit;
    this.listener = listener;
    this.metrics = metrics;
  }

  /** Decides every applicant from the model's output ({@code columns} per input row). */
  CreditResult decide(Scored s, float[] probabilities) {
    long decideStart = System.nanoTime();
    ModelVersion version = s.version();
    ModelVersion.Credit credit = s.credit();
    ApplicantAssembler.Assembled a = s.applicants();
    double[] pd = new double[probabilities.length / credit.outputColumns()];
    for (int r = 0; r < pd.length; r++) {
      pd[r] = probabilities[r * credit.outputColumns() + credit.defaultColumn()];
    }
    int n = a.size();
    List<CreditResult.Applicant> results = new ArrayList<>(n);
    double[] decided = new double[n];
    for (int i = 0; i < n; i++) {
      var applicant = a.applicants().get(i);
      double p = pd[i * s.rowsPerApplicant()];
      decided[i] = p;
      DecisionPolicy.Verdict verdict = s.policy().decide(p, applicant);
      int points = credit.scoreScale().points(p);
      List<Reason> reasons =
          s.explain()
              ? credit.explainer().reasons(pd, a.rows(), i, applicant, reasonCount)
              : List.of();
      metrics.decision(version.name(), version.version(), verdict.decision(), p);
      String id = a.ids()[i];
      results.add(
          new CreditResult.Applicant(id, p, points, verdict.decision(), verdict.rule(), reasons));
      audit.record(
          new AuditRecord(
              s.requestId(),
              s.caller(),
              id,
              version.name(),
              version.version(),
              version.sha256(),
              s.policy().version(),
              verdict.rule(),
              Fingerprints.keyedOfAllBut(applicant, CreditFeatureEncoder.APPLICANT_ID, auditKey),
              auditKey.id(),
              p,
              points,
              verdict.decision().wireName(),
              reasons.stream().map(Reason::code).toList()));
    }
    listener.decided(version, a.applicants(), decided);
    metrics.stage(
        ScoringObserver.STAGE_DECIDE,
        version.name(),
        version.version(),
        System.nanoTime() - decideStart);
    return new CreditResult(
        s.requestId(), version.name(), version.version(), s.policy().version(), results, false);
  }
}
