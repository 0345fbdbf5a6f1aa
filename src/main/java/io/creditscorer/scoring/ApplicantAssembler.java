package io.creditscorer.scoring;

import io.creditscorer.error.InvalidInputException;
import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.features.CreditFeatureEncoder;
import io.creditscorer.features.StoredApplicant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a request's applicants into the model's input rows: each applicant completed from the
 * feature store where it carries an id but not every field (the request's values win), validated
 * and encoded. An applicant given by id alone is copied in already encoded. The primary and the
 * shadow version both assemble through here. Stateless and thread-safe.
 */
final class ApplicantAssembler {

  /**
   * The encoded rows (one per applicant, {@code encoder.width()} wide), each applicant's id (or
   * {@code null}) and its complete fields as scored.
   */
  record Assembled(float[] rows, String[] ids, List<Map<String, Object>> applicants) {
    int size() {
      return ids.length;
    }
  }

  private ApplicantAssembler() {}

  /**
   * The ids of the applicants that must be looked up: those that carry a valid id but not every
   * field (an invalid id is reported by {@link #assemble}, never sent to the store).
   */
  static List<String> lookups(CreditFeatureEncoder encoder, List<Map<String, Object>> applicants) {
    List<String> lookups = new ArrayList<>(0);
    for (Map<String, Object> applicant : applicants) {
      if (applicant != null
          && applicant.get(CreditFeatureEncoder.APPLICANT_ID) instanceof String id
          && id.length() <= Identifiers.MAX_ID_CHARS
          && !encoder.isComplete(applicant)) {
        lookups.add(id);
      }
    }
    return lookups;
  }

  /**
   * Completes, validates and encodes every applicant.
   *
   * @param stored what the feature store returned for {@link #lookups}, by id
   * @throws InvalidInputException naming every offending field of every applicant
   */
  static Assembled assemble(
      CreditFeatureEncoder encoder,
      List<Map<String, Object>> applicants,
      Map<String, StoredApplicant> stored) {
    int n = applicants.size();
    int width = encoder.width();
    float[] rows = new float[n * width];
    String[] ids = new String[n];
    List<Map<String, Object>> complete = new ArrayList<>(n);
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String path = "applicants[" + i + "]";
      Map<String, Object> applicant = applicants.get(i);
      complete.add(applicant);
      if (applicant == null) {
        errors.add(new FieldError(path, "must be an object, not null"));
        continue;
      }
      Object id = applicant.get(CreditFeatureEncoder.APPLICANT_ID);
      if (id != null && !(id instanceof String)) {
        errors.add(
            new FieldError(path + "." + CreditFeatureEncoder.APPLICANT_ID, "must be a string"));
      }
      ids[i] = id instanceof String s ? s : null;
      Identifiers.check(
          path + "." + CreditFeatureEncoder.APPLICANT_ID, ids[i], Identifiers.MAX_ID_CHARS, errors);
      Map<String, Object> fields = applicant;
      StoredApplicant found = ids[i] == null ? null : stored.get(ids[i]);
      if (found != null && !encoder.isComplete(applicant)) {
        if (applicant.size() == 1) {
          StoredApplicant.Encoded encoded = found.encodedFor(encoder);
          complete.set(i, found.fields());
          if (encoded.row() != null) {
            System.arraycopy(encoded.row(), 0, rows, i * width, width);
          } else {
            for (FieldError e : encoded.problems()) {
              errors.add(
                  new FieldError(
                      path + e.field(),
                      e.problem() + " (value stored for applicant " + ids[i] + ")"));
            }
          }
          continue;
        }
        Map<String, Object> merged = new HashMap<>(found.fields());
        merged.putAll(applicant); // the request's values win
        fields = merged;
        complete.set(i, merged);
      } else if (ids[i] != null && !encoder.isComplete(applicant)) {
        errors.add(
            new FieldError(
                path + "." + CreditFeatureEncoder.APPLICANT_ID,
                "'"
                    + ids[i]
                    + "' is not in the feature store; send the applicant's fields below, or a"
                    + " known id"));
      }
      encoder.encode(fields, rows, i * width, path, errors);
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new Assembled(rows, ids, complete);
  }
}
