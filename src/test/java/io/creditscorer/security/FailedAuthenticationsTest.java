package io.creditscorer.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedAuthenticationsTest {

  static final Duration WINDOW = Duration.ofMinutes(1);
  static final Duration BLOCK = Duration.ofMinutes(5);

  final AtomicLong nanos = new AtomicLong();
  final FailedAuthentications failures =
      new FailedAuthentications(3, WINDOW, BLOCK, 1000, nanos::get);

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void theLimitWithinTheWindowRefusesTheAddressForTheBlock() {
    failures.failed("10.0.0.1");
    failures.failed("10.0.0.1");
    assertEquals(Duration.ZERO, failures.refusedFor("10.0.0.1"));
    failures.failed("10.0.0.1");
    assertEquals(BLOCK, failures.refusedFor("10.0.0.1"));
    assertEquals(Duration.ZERO, failures.refusedFor("10.0.0.2"), "only that address");
    advance(BLOCK.minusSeconds(1));
    assertEquals(Duration.ofSeconds(1), failures.refusedFor("10.0.0.1"));
    advance(Duration.ofSeconds(1));
    assertEquals(Duration.ZERO, failures.refusedFor("10.0.0.1"));
  }

  @Test
  void failuresSpreadOverMoreThanTheWindowNeverBlock() {
    for (int i = 0; i < 10; i++) {
      failures.failed("10.0.0.3");
      failures.failed("10.0.0.3");
      advance(WINDOW);
    }
    assertEquals(Duration.ZERO, failures.refusedFor("10.0.0.3"));
  }

  @Test
  void aBlockedAddressStartsAFreshCountAfterItsBlock() {
    for (int i = 0; i < 3; i++) {
      failures.failed("10.0.0.4");
    }
    advance(BLOCK);
    failures.failed("10.0.0.4");
    assertEquals(Duration.ZERO, failures.refusedFor("10.0.0.4"));
  }

  @Test
  void theStateIsBounded() {
    FailedAuthentications small = new FailedAuthentications(1, WINDOW, BLOCK, 100, nanos::get);
    for (int i = 0; i < 10_000; i++) {
      small.failed("10.1." + (i / 256) + "." + (i % 256));
    }
    int refused = 0;
    for (int i = 0; i < 10_000; i++) {
      if (!small.refusedFor("10.1." + (i / 256) + "." + (i % 256)).isZero()) {
        refused++;
      }
    }
    assertTrue(refused <= 100, refused + " addresses remembered");
  }
}
