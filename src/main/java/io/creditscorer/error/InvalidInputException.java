package io.creditscorer.error;

import java.util.ArrayList;
import java.util.List;

/**
 * Input the caller must fix: every offending field is listed with its problem, up to {@value
 * #MAX_ERRORS} of them or {@value #MAX_LISTED_CHARS} characters, and a last entry that counts the
 * rest, so an error answer stays small whatever the request held (each field name and problem is
 * bounded too, see {@link FieldError}).
 */
public final class InvalidInputException extends ScoringException {

  /** Errors listed in full; beyond them one entry says how many more there are. */
  public static final int MAX_ERRORS = 20;

  /** Characters of a field path and of a problem shown to the caller. */
  public static final int MAX_FIELD_CHARS = 100;

  public static final int MAX_PROBLEM_CHARS = 300;

  /** Characters of fields and problems listed in full, all errors together. */
  public static final int MAX_LISTED_CHARS = 4000;

  /**
   * One offending field, e.g. {@code applicants[2].age}: "must be at least 18". Both texts are made
   * printable and cut to their limits.
   */
  public record FieldError(String field, String problem) {
    public FieldError {
      field = Shown.text(field, MAX_FIELD_CHARS);
      problem = Shown.text(problem, MAX_PROBLEM_CHARS);
    }
  }

  private final transient List<FieldError> errors;

  public InvalidInputException(List<FieldError> errors) {
    super(Kind.INVALID_INPUT, summarise(errors));
    this.errors = bounded(errors);
  }

  private static List<FieldError> bounded(List<FieldError> errors) {
    List<FieldError> shown = new ArrayList<>(Math.min(errors.size(), MAX_ERRORS + 1));
    int chars = 0;
    for (FieldError e : errors) {
      chars += (e.field() == null ? 0 : e.field().length()) + e.problem().length();
      if (shown.size() == MAX_ERRORS || (chars > MAX_LISTED_CHARS && !shown.isEmpty())) {
        shown.add(new FieldError(null, "and " + (errors.size() - shown.size()) + " more problems"));
        break;
      }
      shown.add(e);
    }
    return List.copyOf(shown);
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
