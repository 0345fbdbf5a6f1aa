package io.creditscorer.api.rest;

import io.creditscorer.feedback.OutcomeFeedback;
import io.creditscorer.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Outcome feedback for bank apps: what became of decided loans, and the realised performance of
 * each model version. Runs on worker threads (reporting writes to the decision store's file).
 */
@Path("/v1/credit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Credit decisions")
public class FeedbackResource {

  private final OutcomeFeedback feedback;
  private final long maxBodyBytes;
  private final SecurityIdentity identity;

  public FeedbackResource(
      OutcomeFeedback feedback, HttpSettings config, SecurityIdentity identity) {
    this.identity = identity;
    this.feedback = feedback;
    this.maxBodyBytes = config.maxBodyBytes();
  }

  @POST
  @Path("/outcomes")
  @Operation(
      summary = "Report loan outcomes",
      description =
          "Joins each outcome (defaulted or not) to the decision it judges, by request_id,"
              + " applicant_id or both; one result per outcome, in order: accepted, duplicate,"
              + " contradicting, unknown_request_id, unknown_applicant_id or invalid.")
  public FeedbackCodec.OutcomesResponseJson outcomes(
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = FeedbackCodec.OutcomesRequestJson.class)))
          byte[] body) {
    return FeedbackCodec.encode(
        feedback.report(FeedbackCodec.decode(JsonBodies.parseObject(body, maxBodyBytes))),
        identity.hasRole(Roles.AUDITOR));
  }

  @GET
  @Path("/performance")
  @Operation(
      summary = "Realised performance per model version",
      description =
          "ROC AUC, Brier score, calibration per band of predicted probability with the expected"
              + " calibration error, and bad rate per decision, over each version's sliding window"
              + " of outcomes; recomputed in the background (scorer.feedback.refresh-interval).")
  public FeedbackCodec.PerformanceJson performance() {
    return FeedbackCodec.encode(feedback.performance());
  }

  @POST
  @Path("/monitoring-attributes")
  @Operation(
      summary = "Report applicants' group labels for fairness monitoring",
      description =
          "Stores each item's groups (e.g. sex, age_band, foreign_worker: only the configured"
              + " attributes and values) with the decision named by request_id, applicant_id or"
              + " both. Labels never reach a model, a reason, the audit trail or an answer; they"
              + " feed GET /v1/credit/fairness only. One result per item: accepted,"
              + " unknown_request_id, unknown_applicant_id or invalid.")
  public FeedbackCodec.OutcomesResponseJson monitoringAttributes(
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = FeedbackCodec.LabelsRequestJson.class)))
          byte[] body) {
    return FeedbackCodec.encode(
        feedback.label(FeedbackCodec.decodeLabels(JsonBodies.parseObject(body, maxBodyBytes))),
        false);
  }

  @GET
  @Path("/fairness")
  @Operation(
      summary = "Fairness figures per model version, attribute and group",
      description =
          "Approval rate, adverse impact ratio, default rate, true and false positive rates,"
              + " calibration gap and the equal-opportunity difference, each with a 95 %"
              + " confidence interval, or insufficient below scorer.fairness.minimum-group-size;"
              + " over the feedback windows of decisions carrying group labels.")
  public FeedbackCodec.FairnessJson fairness() {
    return FeedbackCodec.encode(feedback.fairness());
  }
}
