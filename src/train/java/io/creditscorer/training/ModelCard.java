package io.creditscorer.training;

import ai.onnxruntime.OrtEnvironment;
import io.creditscorer.decision.DecisionPolicy;
import io.creditscorer.decision.ScoreScale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Renders {@code MODEL_CARD.md} for one trained version. */
final class ModelCard {

  /** The card's only line that changes from run to run. */
  static final String DATE_PREFIX = "- Trained on: ";

  /**
   * The row that changes from machine to machine: the float arithmetic of ONNX Runtime and of the
   * trainer depends on the CPU (its vector instructions), so the same model bytes measured 6.71e-08
   * on one machine and 1.19e-07 on another.
   */
  static final String PARITY_ROW = "| max abs difference ONNX graph vs trainer | ";

  private ModelCard() {}

  static String render(
      TrainCreditModels.Prepared p,
      String version,
      TrainCreditModels.Trained model,
      double auc,
      double brier,
      DecisionPolicy policy,
      ScoreScale scale,
      double onnxDiff) {
    Map<String, String> libraries = new TreeMap<>(model.libraries());
    libraries.put("ONNX Runtime (verification)", OrtEnvironment.getEnvironment().getVersion());
    libraries.put("Java", Integer.toString(Runtime.version().feature()));
    String features =
        p.features().stream()
            .map(f -> "| `" + f.name() + "` | " + f.type() + " | " + f.description() + " |")
            .collect(Collectors.joining("\n"));
    long holdoutBad = 0;
    for (boolean b : p.holdoutBad()) {
      holdoutBad += b ? 1 : 0;
    }
    return """
        # Model card: %s version %s (%s)

        - Task: probability that a loan applicant defaults (class `bad` of the German Credit data).
        %s%s
        - Training data: `data/credit-g.arff`, German Credit (UCI Statlog, DOI 10.24432/C5NC77, \
        CC BY 4.0), SHA-256 `%s`.
        - Split: stratified by class, seed %d: %d training rows, %d holdout rows (%d bad).
        - Libraries: %s.
        - Command: `mvn -q test-compile exec:java@train` (deterministic: same data, same bytes).

        ## Holdout performance

        | metric | value |
        | --- | --- |
        | ROC AUC | %.4f |
        | Brier score | %.4f |
        %s%.2e |

        ## Inputs

        %d request fields, encoded into %d FP32 columns (numeric fields standardised with the
        training mean and standard deviation, categories one-hot). The protected attributes %s are
        never inputs: a request that carries them is refused.

        | field | type | meaning |
        | --- | --- | --- |
        %s

        ## Decision

        - Score: %.0f points at %.0f:1 good:bad odds, %.0f points to double the odds.
        - Policy `%s`: approve below a probability of default of %.4f (the cost-optimal cut for the
          UCI cost matrix, where approving a bad loan costs 5 times declining a good one), decline
          at or above %.2f, refer in between.

        ## Limits

        1,000 applicants from 1970s Germany: the model illustrates the service, it is not fit to
        decide real loans. Amounts are in Deutsche Mark.
        """
        .formatted(
            TrainCreditModels.MODEL_NAME,
            version,
            model.kind(),
            DATE_PREFIX,
            TrainCreditModels.today(),
            p.sha256(),
            TrainCreditModels.SEED,
            p.trainRows().size(),
            p.holdoutRows().size(),
            holdoutBad,
            libraries.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")),
            auc,
            brier,
            PARITY_ROW,
            onnxDiff,
            p.features().size(),
            p.columnNames().length,
            String.join(", ", TrainCreditModels.PROTECTED),
            features,
            scale.baseScore(),
            scale.baseOdds(),
            scale.pointsToDoubleOdds(),
            policy.version(),
            policy.approveBelow(),
            policy.declineAtOrAbove());
  }
}
