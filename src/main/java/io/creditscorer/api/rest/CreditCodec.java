package io.creditscorer.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.scoring.CreditRequest;
import io.creditscorer.scoring.CreditResult;
import java.io.IOException;
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

  /**
   * Reads a scoring request straight into the engine's applicant maps, with no JSON tree in between
   * (this is the service's hottest body), naming every bad field.
   */
  static CreditRequest decode(
      byte[] body,
      long maxBytes,
      String version,
      Duration timeout,
      String idempotencyKey,
      String caller) {
    List<FieldError> errors = new ArrayList<>();
    String requestId = null;
    List<Map<String, Object>> applicants = new ArrayList<>();
    int elements = 0;
    try (JsonParser p = JsonBodies.openObject(body, maxBytes)) {
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "request_id" -> {
            if (value == JsonToken.VALUE_STRING) {
              requestId = p.getText();
            } else if (value != JsonToken.VALUE_NULL) {
              errors.add(
                  new FieldError("request_id", "must be a string, not " + JsonBodies.type(value)));
              p.skipChildren();
            }
          }
          case "applicants" -> {
            applicants.clear();
            elements = 0;
            if (value != JsonToken.START_ARRAY) {
              p.skipChildren();
              break;
            }
            for (JsonToken a = p.nextToken(); a != JsonToken.END_ARRAY; a = p.nextToken()) {
              if (a == JsonToken.START_OBJECT) {
                applicants.add(JsonBodies.plainObject(p));
              } else {
                errors.add(
                    new FieldError(
                        "applicants[" + elements + "]",
                        "must be an object, not " + JsonBodies.type(a)));
                p.skipChildren();
              }
              elements++;
            }
          }
          default -> {
            errors.add(JsonBodies.unknown(name, REQUEST_FIELDS));
            p.skipChildren();
          }
        }
      }
      JsonBodies.expectEnd(p);
    } catch (IOException e) {
      throw JsonBodies.malformed(e);
    }
    if (elements == 0) {
      errors.add(new FieldError("applicants", "must be a non-empty array of applicant objects"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new CreditRequest(requestId, version, applicants, timeout, idempotencyKey, caller);
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
