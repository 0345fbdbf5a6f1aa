package io.creditscorer.api;

import io.creditscorer.base.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many scoring requests may be in progress, judged as CoDel judges a queue: one that drains
 * within an interval is a good queue, one that stands is not.
 *
 * <ul>
 *   <li>Up to {@code limit} in progress, every request is admitted.
 *   <li>Above it, requests are admitted up to {@code burst} for at most {@code grace} from the
 *       moment the limit was first exceeded. A stall of the host for a few hundred milliseconds
 *       piles up requests that the service drains soon after; refusing them would turn a pause into
 *       errors.
 *   <li>If the excess outlasts the grace, the overload is standing: everything above {@code limit}
 *       is refused, so a standing overload keeps the latency bound that {@code limit} gives. The
 *       overload counts as over once a whole grace has passed without a request above the limit;
 *       only then may a new burst go above it.
 * </ul>
 *
 * The count is exact; the state around it is read and written without locks, so under racing
 * threads a request or two more may be admitted at a transition, never more than {@code burst} in
 * progress.
 */
public final class Admission {

  /** What {@link #tryEnter} decided. */
  public enum Verdict {
    ADMITTED,
    /** Admitted above the limit, within the grace of a burst. */
    ADMITTED_IN_BURST,
    REFUSED
  }

  private final AtomicInteger inflight = new AtomicInteger();
  private final int limit;
  private final int burst;
  private final long graceNanos;
  private final Ticker ticker;
  private volatile boolean over;
  private volatile long overSince;
  private volatile boolean refusing;
  private volatile long lastRefusal;

  /**
   * @param settings the prefix of the door's keys, for messages: {@code scorer.http} or {@code
   *     scorer.grpc}
   */
  public Admission(String settings, int limit, int burst, Duration grace, Ticker ticker) {
    if (limit < 1) {
      throw new IllegalArgumentException(
          settings + ".max-inflight must be at least 1, was " + limit);
    }
    if (burst < limit) {
      throw new IllegalArgumentException(
          settings
              + ".burst-inflight ("
              + burst
              + ") must be at least "
              + settings
              + ".max-inflight ("
              + limit
              + ")");
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException(settings + ".burst-grace must not be negative: " + grace);
    }
    this.limit = limit;
    this.burst = grace.isZero() ? limit : burst;
    this.graceNanos = grace.toNanos();
    this.ticker = ticker;
  }

  /** Counts the request in if admitted; an admitted request must later call {@link #exit}. */
  public Verdict tryEnter() {
    int n = inflight.incrementAndGet();
    Verdict verdict = judge(n);
    if (verdict == Verdict.REFUSED) {
      inflight.decrementAndGet();
    }
    return verdict;
  }

  public void exit() {
    inflight.decrementAndGet();
  }

  public int inflight() {
    return inflight.get();
  }

  private Verdict judge(int n) {
    if (refusing) {
      long now = ticker.read();
      if (n > limit) {
        lastRefusal = now;
        return Verdict.REFUSED;
      }
      if (now - lastRefusal >= graceNanos) {
        refusing = false; // a whole grace within the limit: the overload is over
        over = false;
      }
      return Verdict.ADMITTED;
    }
    if (n <= limit) {
      if (over) {
        over = false;
      }
      return Verdict.ADMITTED;
    }
    if (n > burst) {
      return Verdict.REFUSED;
    }
    long now = ticker.read();
    if (!over) {
      overSince = now;
      over = true;
      return Verdict.ADMITTED_IN_BURST;
    }
    if (now - overSince <= graceNanos) {
      return Verdict.ADMITTED_IN_BURST;
    }
    refusing = true;
    lastRefusal = now;
    return Verdict.REFUSED;
  }
}
