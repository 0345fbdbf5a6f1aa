package io.creditscorer.monitoring;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.RedisExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit trail as a Redis Stream, on a real Redis: one entry per line, trimmed only if asked.
 */
class RedisStreamOutTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  static ByteBuffer block(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append("{\"type\":\"audit\",\"request_id\":\"r").append(i).append("\"}\n");
    }
    return ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eachLineIsOneEntryInOrderAndNothingIsTrimmedByDefault() throws Exception {
    try (RedisStreamOut out =
        new RedisStreamOut(
            REDIS.vertx(), REDIS.url(), "audit-a", OptionalLong.empty(), Duration.ofSeconds(2))) {
      for (int from = 0; from < 3000; from += 500) {
        out.write(block(from, from + 500));
      }
    }
    assertTrue(REDIS.server().command("XLEN audit-a").contains(":3000"));
    String first = REDIS.server().command("XRANGE audit-a - + COUNT 1");
    assertTrue(first.contains("record") && first.contains("\"request_id\":\"r0\""), first);
    String last = REDIS.server().command("XREVRANGE audit-a + - COUNT 1");
    assertTrue(last.contains("\"request_id\":\"r2999\""), last);
  }

  @Test
  void aConfiguredLengthTrimsTheOldest() throws Exception {
    try (RedisStreamOut out =
        new RedisStreamOut(
            REDIS.vertx(), REDIS.url(), "audit-b", OptionalLong.of(100), Duration.ofSeconds(2))) {
      for (int from = 0; from < 3000; from += 500) {
        out.write(block(from, from + 500));
      }
    }
    String len = REDIS.server().command("XLEN audit-b");
    long n = Long.parseLong(len.trim().substring(1));
    assertTrue(n >= 100 && n < 3000, "trimmed to about 100 (MAXLEN ~): " + n);
  }

  @Test
  void withoutRedisAWriteFailsSoTheBlockIsKept() {
    try (RedisStreamOut out =
        new RedisStreamOut(
            REDIS.vertx(),
            "redis://127.0.0.1:1",
            "audit-c",
            OptionalLong.empty(),
            Duration.ofSeconds(2))) {
      IOException e = assertThrows(IOException.class, () -> out.write(block(0, 2)));
      assertTrue(e.getMessage().contains("audit-c"), e.getMessage());
    }
  }
}
