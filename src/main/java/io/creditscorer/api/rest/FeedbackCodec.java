package io.creditscorer.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.feedback.FairnessWindows;
import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.feedback.OutcomeReport;
import io.creditscorer.feedback.OutcomeResult;
import io.creditscorer.feedback.PerformanceWindows;
import io.creditscorer.feedback.RealisedPerformance;
import io.creditscorer.feedback.StoredDecision;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The outcome feedback API's JSON to and from the engine. */
final class FeedbackCodec {

  private static final Set<String> REQUEST_FIELDS = Set.of("outcomes");
  private static final Set<String> OUTCOME_FIELDS =
      Set.of("request_id", "applicant_id", "defaulted", "observed_at", "groups");
  private static final Set<String> LABELS_REQUEST_FIELDS = Set.of("attributes");
  private static final Set<String> LABEL_FIELDS = Set.of("request_id", "applicant_id", "groups");

  /** Most group labels one item may carry (more than any configured set needs). */
  private static final int MAX_GROUPS = 16;

  private FeedbackCodec() {}

  /** Observed outcomes, as documented in OpenAPI. */
  record OutcomesRequestJson(List<OutcomeJson> outcomes) {}

  /** One observed outcome: request_id, applicant_id or both name the decision. */
  record OutcomeJson(
      @JsonProperty("request_id") String requestId,
      @JsonProperty("applicant_id") String applicantId,
      boolean defaulted,
      @JsonProperty("observed_at") String observedAt,
      Map<String, String> groups) {}

  /** Group labels for fairness monitoring, as documented in OpenAPI. */
  record LabelsRequestJson(List<LabelJson> attributes) {}

  /** One applicant's group labels: request_id, applicant_id or both name the decision. */
  record LabelJson(
      @JsonProperty("request_id") String requestId,
      @JsonProperty("applicant_id") String applicantId,
      Map<String, String> groups) {}

  /** One result per outcome, in order, with the count of each result. */
  record OutcomesResponseJson(
      @JsonProperty("recorded_at") String recordedAt,
      Map<String, Integer> counts,
      List<OutcomeResultJson> results) {}

  /** What became of one outcome, with the decision it was joined to. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record OutcomeResultJson(
      int index,
      String result,
      @JsonProperty("request_id") String requestId,
      @JsonProperty("applicant_id") String applicantId,
      @JsonProperty("model_name") String modelName,
      @JsonProperty("model_version") String modelVersion,
      @JsonProperty("probability_of_default") Float probabilityOfDefault,
      String decision,
      @JsonProperty("decided_at") String decidedAt,
      @JsonProperty("recorded_defaulted") Boolean recordedDefaulted,
      String message,
      List<FieldError> errors) {}

  /** Realised performance per model version. */
  record PerformanceJson(
      @JsonProperty("as_of") String asOf, WindowJson window, List<VersionJson> versions) {}

  /** The window's bounds: the latest max_outcomes outcomes observed within max_age. */
  record WindowJson(
      @JsonProperty("max_outcomes") int maxOutcomes, @JsonProperty("max_age") String maxAge) {}

  /** One model version; null where a figure is undefined (e.g. AUC with one class). */
  record VersionJson(
      String model,
      String version,
      boolean stable,
      @JsonProperty("decisions_stored") int decisionsStored,
      @JsonProperty("outcomes_stored") int outcomesStored,
      int outcomes,
      int defaults,
      @JsonProperty("default_rate") Double defaultRate,
      @JsonProperty("mean_predicted") Double meanPredicted,
      Double auc,
      Double brier,
      @JsonProperty("calibration_error") Double calibrationError,
      List<BandJson> calibration,
      @JsonProperty("by_decision") List<DecisionBandJson> byDecision) {}

  /** Predicted against observed default rate in one band of predicted probability. */
  record BandJson(
      @JsonProperty("pd_from") double pdFrom,
      @JsonProperty("pd_to") double pdTo,
      int outcomes,
      @JsonProperty("mean_predicted") Double meanPredicted,
      @JsonProperty("observed_default_rate") Double observedDefaultRate) {}

  /** Bad rate of the loans given one decision. */
  record DecisionBandJson(
      String decision, int outcomes, int defaults, @JsonProperty("bad_rate") Double badRate) {}

  /**
   * Reads the report. The body's shape (an {@code outcomes} array of objects) is checked here and
   * refused as a whole; each outcome's fields are checked per outcome (type problems travel with
   * it, so the engine answers that item {@code invalid}).
   */
  static List<OutcomeReport> decode(JsonNode root) {
    return items(root, "outcomes", REQUEST_FIELDS, FeedbackCodec::outcome);
  }

  /** Reads a group-labels report: like {@link #decode}, an {@code attributes} array. */
  static List<OutcomeReport> decodeLabels(JsonNode root) {
    return items(
        root,
        "attributes",
        LABELS_REQUEST_FIELDS,
        (o, groups) -> {
          List<FieldError> problems = new ArrayList<>();
          JsonBodies.rejectUnknown(o, LABEL_FIELDS, "", problems);
          String requestId = JsonBodies.optionalString(o, "request_id", "", problems);
          String applicantId = JsonBodies.optionalString(o, "applicant_id", "", problems);
          return new OutcomeReport(requestId, applicantId, null, null, problems, groups);
        });
  }

  @FunctionalInterface
  private interface ItemReader {
    OutcomeReport read(JsonNode item, Map<String, String> groups);
  }

  /**
   * The body's shape (an array of objects under {@code field}) and every item's {@code groups} (an
   * object of strings) are checked here and refused as a whole.
   */
  private static List<OutcomeReport> items(
      JsonNode root, String field, Set<String> fields, ItemReader reader) {
    List<FieldError> errors = new ArrayList<>();
    JsonBodies.rejectUnknown(root, fields, "", errors);
    JsonNode list = root.get(field);
    List<OutcomeReport> items = new ArrayList<>();
    if (list == null || !list.isArray() || list.isEmpty()) {
      errors.add(new FieldError(field, "must be a non-empty array of objects"));
    } else {
      for (int i = 0; i < list.size(); i++) {
        JsonNode o = list.get(i);
        String path = field + "[" + i + "]";
        if (!o.isObject()) {
          errors.add(new FieldError(path, "must be an object, not " + JsonBodies.type(o)));
        } else {
          items.add(reader.read(o, groups(o.get("groups"), path + ".groups", errors)));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return items;
  }

  /**
   * An item's group labels: absent or null is none; anything but an object of strings is refused.
   */
  private static Map<String, String> groups(JsonNode g, String path, List<FieldError> errors) {
    if (g == null || g.isNull()) {
      return null;
    }
    if (!g.isObject() || g.size() > MAX_GROUPS) {
      errors.add(
          new FieldError(
              path, "must be an object of at most " + MAX_GROUPS + " attribute names to values"));
      return null;
    }
    Map<String, String> groups = new LinkedHashMap<>();
    g.fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isTextual()) {
                groups.put(e.getKey(), e.getValue().textValue());
              } else {
                errors.add(
                    new FieldError(
                        path + "." + e.getKey(),
                        "must be a string, not " + JsonBodies.type(e.getValue())));
              }
            });
    return groups;
  }

  private static OutcomeReport outcome(JsonNode o, Map<String, String> groups) {
    List<FieldError> problems = new ArrayList<>();
    JsonBodies.rejectUnknown(o, OUTCOME_FIELDS, "", problems);
    String requestId = JsonBodies.optionalString(o, "request_id", "", problems);
    String applicantId = JsonBodies.optionalString(o, "applicant_id", "", problems);
    Boolean defaulted = null;
    JsonNode d = o.get("defaulted");
    if (d != null && !d.isNull()) {
      if (d.isBoolean()) {
        defaulted = d.booleanValue();
      } else {
        problems.add(
            new FieldError("defaulted", "must be true or false, not " + JsonBodies.type(d)));
      }
    }
    Instant observedAt = null;
    String time = JsonBodies.optionalString(o, "observed_at", "", problems);
    if (time != null) {
      try {
        observedAt = OffsetDateTime.parse(time).toInstant();
      } catch (DateTimeParseException e) {
        problems.add(
            new FieldError(
                "observed_at",
                "'"
                    + time
                    + "' is not an ISO-8601 time with offset, such as 2026-03-01T00:00:00Z"));
      }
    }
    return new OutcomeReport(requestId, applicantId, defaulted, observedAt, problems, groups);
  }

  /**
   * @param reveal whether the caller may read past decisions (the auditor role): without it an
   *     answer names the model version joined but not the decision's probability or outcome
   */
  static OutcomesResponseJson encode(OutcomeFeedback.OutcomeReply reply, boolean reveal) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    reply.counts().forEach((r, n) -> counts.put(r.wireName(), n));
    List<OutcomeResultJson> results = new ArrayList<>(reply.results().size());
    for (OutcomeResult r : reply.results()) {
      StoredDecision d = r.decision();
      results.add(
          new OutcomeResultJson(
              r.index(),
              r.result().wireName(),
              r.requestId(),
              r.applicantId(),
              d == null ? null : d.modelName(),
              d == null ? null : d.modelVersion(),
              d == null || !reveal ? null : (float) d.probabilityOfDefault(),
              d == null || !reveal ? null : d.decision(),
              d == null ? null : d.decidedAt().toString(),
              d == null || d.outcome() == null || !reveal ? null : d.outcome().defaulted(),
              r.message(),
              r.errors().isEmpty() ? null : r.errors()));
    }
    return new OutcomesResponseJson(reply.recordedAt().toString(), counts, results);
  }

  static PerformanceJson encode(PerformanceWindows.Report report) {
    List<VersionJson> versions = new ArrayList<>(report.versions().size());
    for (PerformanceWindows.VersionPerformance p : report.versions()) {
      List<BandJson> bands = new ArrayList<>();
      for (RealisedPerformance.Band b : p.calibration()) {
        bands.add(
            new BandJson(
                b.from(),
                b.to(),
                b.outcomes(),
                finite(b.meanPredicted()),
                finite(b.observedDefaultRate())));
      }
      List<DecisionBandJson> byDecision = new ArrayList<>();
      for (PerformanceWindows.DecisionBand b : p.byDecision()) {
        byDecision.add(
            new DecisionBandJson(b.decision(), b.outcomes(), b.defaults(), finite(b.badRate())));
      }
      versions.add(
          new VersionJson(
              p.model(),
              p.version(),
              p.stable(),
              p.decisionsStored(),
              p.outcomesStored(),
              p.outcomes(),
              p.defaults(),
              finite(p.defaultRate()),
              finite(p.meanPredicted()),
              finite(p.auc()),
              finite(p.brier()),
              finite(p.calibrationError()),
              bands,
              byDecision));
    }
    return new PerformanceJson(
        report.asOf().toString(),
        new WindowJson(report.maxOutcomes(), report.maxAge().toString()),
        versions);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Fairness figures per model version, attribute and group. */
  record FairnessJson(
      @JsonProperty("as_of") String asOf,
      WindowJson window,
      @JsonProperty("minimum_group_size") int minimumGroupSize,
      @JsonProperty("equal_opportunity_threshold") double equalOpportunityThreshold,
      List<VersionFairnessJson> versions) {}

  record VersionFairnessJson(
      String model,
      String version,
      @JsonProperty("labelled_decisions") int labelledDecisions,
      @JsonProperty("labelled_outcomes") int labelledOutcomes,
      List<AttributeJson> attributes) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record AttributeJson(
      String attribute,
      @JsonProperty("reference_group") String referenceGroup,
      @JsonProperty("equal_opportunity_difference") FigureJson equalOpportunityDifference,
      @JsonProperty("highest_true_positive_rate") String highestTruePositiveRate,
      @JsonProperty("lowest_true_positive_rate") String lowestTruePositiveRate,
      List<GroupJson> groups) {}

  record GroupJson(
      String group,
      int decisions,
      int approvals,
      @JsonProperty("approval_rate") FigureJson approvalRate,
      @JsonProperty("adverse_impact_ratio") FigureJson adverseImpactRatio,
      int outcomes,
      int defaults,
      @JsonProperty("default_rate") FigureJson defaultRate,
      @JsonProperty("mean_predicted") Double meanPredicted,
      @JsonProperty("calibration_gap") FigureJson calibrationGap,
      @JsonProperty("true_positive_rate") FigureJson truePositiveRate,
      @JsonProperty("false_positive_rate") FigureJson falsePositiveRate) {}

  /**
   * A figure over {@code n}: its value and 95 % interval, or {@code insufficient} (no number) when
   * {@code n} is below the minimum group size; value and interval null where undefined.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record FigureJson(int n, Boolean insufficient, Double value, List<Double> ci95) {}

  static FairnessJson encode(FairnessWindows.Report report) {
    List<VersionFairnessJson> versions = new ArrayList<>(report.versions().size());
    for (FairnessWindows.VersionFairness v : report.versions()) {
      List<AttributeJson> attributes = new ArrayList<>(v.attributes().size());
      for (FairnessWindows.AttributeFairness a : v.attributes()) {
        List<GroupJson> groups = new ArrayList<>(a.groups().size());
        for (FairnessWindows.GroupFairness g : a.groups()) {
          groups.add(
              new GroupJson(
                  g.group(),
                  g.decisions(),
                  g.approvals(),
                  figure(g.approvalRate()),
                  figure(g.adverseImpactRatio()),
                  g.outcomes(),
                  g.defaults(),
                  figure(g.defaultRate()),
                  g.defaultRate().sufficient() ? finite(g.meanPredicted()) : null,
                  figure(g.calibrationGap()),
                  figure(g.truePositiveRate()),
                  figure(g.falsePositiveRate())));
        }
        attributes.add(
            new AttributeJson(
                a.attribute(),
                a.referenceGroup(),
                figure(a.equalOpportunityDifference()),
                a.highestTruePositiveRate(),
                a.lowestTruePositiveRate(),
                groups));
      }
      versions.add(
          new VersionFairnessJson(
              v.model(), v.version(), v.labelledDecisions(), v.labelledOutcomes(), attributes));
    }
    return new FairnessJson(
        report.asOf().toString(),
        new WindowJson(report.maxEntries(), report.maxAge().toString()),
        report.minimumGroupSize(),
        report.equalOpportunityThreshold(),
        versions);
  }

  private static FigureJson figure(FairnessWindows.Figure f) {
    if (!f.sufficient()) {
      return new FigureJson(f.n(), true, null, null);
    }
    Double value = finite(f.value());
    return new FigureJson(f.n(), null, value, value == null ? null : List.of(f.lower(), f.upper()));
  }
}
