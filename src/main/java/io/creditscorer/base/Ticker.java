package io.creditscorer.base;

/**
 * A source of nanosecond time, injected wherever time decides behaviour (deadlines, batching
 * delays), so tests advance fake time instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
  long read();

  static Ticker system() {
    return System::nanoTime;
  }
}
