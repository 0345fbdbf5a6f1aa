package io.creditscorer.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.scoring.CreditRequest;
import io.creditscorer.scoring.CreditResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The credit-decision API's JSON to and from the engine. */
final class CreditCodec {

  private static final Set<String> REQUEST_FIELDS = Set.of("request_id", "applicants");

  private CreditCodec() {}

  /** A scoring request, as documented in OpenAPI. */
  record CreditRequestJson(
      @JsonProperty("request_id") String requestId, List<Map<String, Object>> applicants) {}

  /** The decisions, in request order. */
  record CreditResponseJson(
      @JsonProperty("request_id") String requestId,
      @JsonProperty("model_name") String modelName,
      @JsonProperty("model_version") String modelVersion,
      @JsonProperty("policy_version") String policyVersion,
      List<ResultJson> results,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean degraded) {}

  /** One applicant's outcome. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ResultJson(
      @JsonProperty("applicant_id") @JsonInclude(JsonInclude.Include.ALWAYS) String applicantId,
      @JsonProperty("probability_of_default") float probabilityOfDefault,
      int score,
      String decision,
      @JsonProperty("policy_rule") String policyRule,
      List<ReasonJson> reasons) {}

  /** A reason code. */
  record ReasonJson(String code, String description, String feature, double impact) {}

  static CreditRequest decode(
      JsonNode root, String version, Duration timeout, String idempotencyKey) {
    List<FieldError> errors = new ArrayList<>();
    JsonBodies.rejectUnknown(root, REQUEST_FIELDS, "", errors);
    String requestId = JsonBodies.optionalString(root, "request_id", "", errors);
    JsonNode list = root.get("applicants");
    List<Map<String, Object>> applicants = new ArrayList<>();
    if (list == null || !list.isArray() || list.isEmpty()) {
      errors.add(new FieldError("applicants", "must be a non-empty array of applicant objects"));
    } else {
      for (int i = 0; i < list.size(); i++) {
        JsonNode a = list.get(i);
        if (!a.isObject()) {
          errors.add(
              new FieldError(
                  "applicants[" + i + "]", "must be an object, not " + JsonBodies.type(a)));
        } else {
          @SuppressWarnings("unchecked")
          Map<String, Object> fields = (Map<String, Object>) JsonBodies.plain(a);
          applicants.add(fields);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new CreditRequest(requestId, version, applicants, timeout, idempotencyKey);
  }

  static CreditResponseJson encode(CreditResult r) {
    List<ResultJson> results = new ArrayList<>(r.results().size());
    for (CreditResult.Applicant a : r.results()) {
      results.add(
          new ResultJson(
              a.applicantId(),
              (float) a.probabilityOfDefault(),
              a.score(),
              a.decision().wireName(),
              a.policyRule(),
              a.reasons().stream()
                  .map(x -> new ReasonJson(x.code(), x.description(), x.feature(), x.impact()))
                  .toList()));
    }
    return new CreditResponseJson(
        r.requestId(),
        r.modelName(),
        r.modelVersion(),
        r.policyVersion(),
        results,
        r.degraded() ? Boolean.TRUE : null);
  }
}
