package io.creditscorer.security;

import java.util.Set;

/** The roles a caller's token (its {@code groups}) or API key grants. */
public final class Roles {

  /** Credit scores, V2 inference and model metadata. */
  public static final String SCORER = "scorer";

  /** Reporting loan outcomes. */
  public static final String OUTCOME_REPORTER = "outcome-reporter";

  /** Realised performance and anything that reveals a past decision. */
  public static final String AUDITOR = "auditor";

  /** The repository index and routing. */
  public static final String MODEL_VIEWER = "model-viewer";

  /** Loading, unloading and routing changes. */
  public static final String MODEL_ADMIN = "model-admin";

  /** What every caller may do while authentication is off: the data plane, never model control. */
  public static final Set<String> DATA_PLANE = Set.of(SCORER, OUTCOME_REPORTER, AUDITOR);

  private Roles() {}
}
