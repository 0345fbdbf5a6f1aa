package io.creditscorer.feedback;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import io.creditscorer.feedback.DecisionStore.NewDecision;
import io.creditscorer.feedback.DecisionStore.Outcome;
import io.creditscorer.journal.JsonLines;
import java.io.IOException;
import java.time.Instant;

/**
 * The decision store's three kinds of line: a decision (with its sequence number), an outcome and a
 * decision's group labels (each naming that number). Not thread-safe: the store writes under its
 * lock.
 */
final class DecisionLines {

  private static final SerializableString TYPE = JsonLines.name("type");
  private static final SerializableString SEQ = JsonLines.name("seq");
  private static final SerializableString REQUEST_ID = JsonLines.name("request_id");
  private static final SerializableString APPLICANT_ID = JsonLines.name("applicant_id");
  private static final SerializableString MODEL_NAME = JsonLines.name("model_name");
  private static final SerializableString MODEL_VERSION = JsonLines.name("model_version");
  private static final SerializableString PD = JsonLines.name("probability_of_default");
  private static final SerializableString SCORE = JsonLines.name("score");
  private static final SerializableString DECISION = JsonLines.name("decision");
  private static final SerializableString DECIDED_AT = JsonLines.name("decided_at");
  private static final SerializableString DEFAULTED = JsonLines.name("defaulted");
  private static final SerializableString OBSERVED_AT = JsonLines.name("observed_at");
  private static final SerializableString RECORDED_AT = JsonLines.name("recorded_at");

  private static final SerializableString GROUPS = JsonLines.name("groups");

  private final JsonLines json = new JsonLines();

  /** One line per decision, streamed (no tree per line: this runs for every decision). */
  void writeDecision(JsonGenerator g, long seq, NewDecision d) throws IOException {
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString("decision");
    g.writeFieldName(SEQ);
    g.writeNumber(seq);
    g.writeFieldName(REQUEST_ID);
    g.writeString(d.requestId());
    if (d.applicantId() != null) {
      g.writeFieldName(APPLICANT_ID);
      g.writeString(d.applicantId());
    }
    g.writeFieldName(MODEL_NAME);
    g.writeString(d.modelName());
    g.writeFieldName(MODEL_VERSION);
    g.writeString(d.modelVersion());
    g.writeFieldName(PD);
    g.writeNumber(d.probabilityOfDefault());
    g.writeFieldName(SCORE);
    g.writeNumber(d.score());
    g.writeFieldName(DECISION);
    g.writeString(d.decision());
    json.writeInstant(g, DECIDED_AT, d.decidedAt());
    g.writeEndObject();
  }

  void writeOutcome(JsonGenerator g, long seq, Outcome o) throws IOException {
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString("outcome");
    g.writeFieldName(SEQ);
    g.writeNumber(seq);
    g.writeFieldName(DEFAULTED);
    g.writeBoolean(o.defaulted());
    json.writeInstant(g, OBSERVED_AT, o.observedAt());
    json.writeInstant(g, RECORDED_AT, o.recordedAt());
    g.writeEndObject();
  }

  /** The decision's group labels after a report: the whole merged text, so replay just sets it. */
  void writeGroups(JsonGenerator g, long seq, String groups) throws IOException {
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString("groups");
    g.writeFieldName(SEQ);
    g.writeNumber(seq);
    g.writeFieldName(GROUPS);
    g.writeString(groups);
    g.writeEndObject();
  }

  static NewDecision decisionOf(JsonNode n) {
    return new NewDecision(
        text(n, "request_id"),
        text(n, "applicant_id"),
        text(n, "model_name"),
        text(n, "model_version"),
        n.get("probability_of_default").asDouble(),
        n.get("score").asInt(),
        text(n, "decision"),
        Instant.parse(n.get("decided_at").asText()));
  }

  static Outcome outcomeOf(JsonNode n) {
    return new Outcome(
        n.get("defaulted").asBoolean(),
        Instant.parse(n.get("observed_at").asText()),
        Instant.parse(n.get("recorded_at").asText()));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
