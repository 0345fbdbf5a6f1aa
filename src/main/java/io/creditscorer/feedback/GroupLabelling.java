package io.creditscorer.feedback;

import io.creditscorer.error.InvalidInputException.FieldError;
import io.creditscorer.feedback.OutcomeResult.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * Group labels reported apart from outcomes (a bank that knows them at decision time): each item
 * checked, looked up like an outcome and its labels stored with the decision. The answer says only
 * whether the decision was found; it never reveals the decision.
 */
final class GroupLabelling {

  private GroupLabelling() {}

  /**
   * Labels the decisions the items name; one result per item, in order. The items' labels were
   * checked against the monitored set before.
   *
   * @throws java.io.UncheckedIOException when the store cannot be reached or written; nothing was
   *     labelled
   */
  static List<OutcomeResult> label(DecisionStore store, List<OutcomeReport> items) {
    List<OutcomeResult> results = new ArrayList<>(items.size());
    List<Integer> valid = new ArrayList<>();
    List<DecisionStore.Lookup> lookups = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      OutcomeReport item = items.get(i);
      OutcomeResult invalid = invalidOrNull(i, item);
      results.add(invalid);
      if (invalid == null) {
        valid.add(i);
        lookups.add(
            new DecisionStore.Lookup(
                OutcomeJoin.blankToNull(item.requestId()),
                OutcomeJoin.blankToNull(item.applicantId())));
      }
    }
    List<DecisionStore.Match> matches = store.findAll(lookups);
    List<DecisionStore.NewLabels> labels = new ArrayList<>();
    for (int k = 0; k < valid.size(); k++) {
      int i = valid.get(k);
      OutcomeReport item = items.get(i);
      OutcomeResult unmatched = OutcomeJoin.unmatched(i, path(i), item, matches.get(k));
      if (unmatched != null) {
        results.set(i, unmatched);
      } else {
        DecisionStore.Entry entry = ((DecisionStore.Found) matches.get(k)).entry();
        labels.add(new DecisionStore.NewLabels(entry, MonitoredGroups.encode(item.groups())));
        results.set(i, OutcomeJoin.answer(i, item, Result.ACCEPTED, null, null));
      }
    }
    store.labelAll(labels);
    return results;
  }

  static String path(int index) {
    return "attributes[" + index + "].";
  }

  private static OutcomeResult invalidOrNull(int index, OutcomeReport item) {
    String path = path(index);
    List<FieldError> errors = new ArrayList<>();
    for (FieldError p : item.problems()) {
      errors.add(new FieldError(path + p.field(), p.problem()));
    }
    String requestId = OutcomeJoin.blankToNull(item.requestId());
    String applicantId = OutcomeJoin.blankToNull(item.applicantId());
    OutcomeJoin.checkId(path + "request_id", requestId, errors);
    OutcomeJoin.checkId(path + "applicant_id", applicantId, errors);
    if (requestId == null && applicantId == null && errors.isEmpty()) {
      errors.add(new FieldError(path + "request_id", "give request_id or applicant_id (or both)"));
    }
    if (item.groups() == null && errors.isEmpty()) {
      errors.add(new FieldError(path + "groups", "is required: at least one group label"));
    }
    return errors.isEmpty() ? null : OutcomeJoin.invalid(index, item, errors);
  }
}
