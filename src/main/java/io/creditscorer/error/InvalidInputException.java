package io.creditscorer.error;

import java.util.List;

/** Input the caller must fix: every offending field is listed with its problem. */
public final class InvalidInputException extends ScoringException {

  /** One offending field, e.g. {@code applicants[2].age}: "must be at least 18". */
  public record FieldError(String field, String problem) {}

  private final transient List<FieldError> errors;

  public InvalidInputException(List<FieldError> errors) {
    super(Kind.INVALID_INPUT, summarise(errors));
    this.errors = List.copyOf(errors);
  }

  public InvalidInputException(String field, String problem) {
    this(List.of(new FieldError(field, problem)));
  }

  public List<FieldError> errors() {
    return errors;
  }

  private static String summarise(List<FieldError> errors) {
    if (errors.isEmpty()) {
      return "invalid input";
    }
    FieldError first = errors.get(0);
    String head = first.field() == null ? first.problem() : first.field() + ": " + first.problem();
    return errors.size() == 1 ? head : head + " (and " + (errors.size() - 1) + " more)";
  }
}
