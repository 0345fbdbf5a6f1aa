package io.creditscorer.api;

import io.creditscorer.base.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * A door's {@link Admission} with its meters, tagged with the door: {@code
 * scorer_admission_rejected_total}, {@code scorer_admission_burst_total} and {@code
 * scorer_admission_inflight}. Thread-safe.
 */
public final class CountedAdmission {

  private final Admission admission;
  private final Counter rejected;
  private final Counter burst;

  /**
   * @param door {@code rest} or {@code grpc}, the meters' tag
   * @param settings the prefix of the door's keys, for messages
   * @param burstInflight default four times {@code maxInflight}
   */
  public CountedAdmission(
      String door,
      String settings,
      int maxInflight,
      OptionalInt burstInflight,
      Duration burstGrace,
      MeterRegistry registry) {
    this.admission =
        new Admission(
            settings,
            maxInflight,
            burstInflight.orElse(4 * maxInflight),
            burstGrace,
            Ticker.system());
    this.rejected =
        Counter.builder("scorer.admission.rejected")
            .description("Scoring requests refused at the door: too many in progress")
            .tag("door", door)
            .register(registry);
    this.burst =
        Counter.builder("scorer.admission.burst")
            .description("Scoring requests admitted above the door's max-inflight, within a burst")
            .tag("door", door)
            .register(registry);
    Gauge.builder("scorer.admission.inflight", admission, Admission::inflight)
        .description("Scoring requests in progress on the door")
        .tag("door", door)
        .register(registry);
  }

  /** Whether the request may go on; one that may must later call {@link #exit}. Counted. */
  public boolean tryEnter() {
    return switch (admission.tryEnter()) {
      case REFUSED -> {
        rejected.increment();
        yield false;
      }
      case ADMITTED_IN_BURST -> {
        burst.increment();
        yield true;
      }
      case ADMITTED -> true;
    };
  }

  public void exit() {
    admission.exit();
  }
}
