package io.creditscorer.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.error.ScoringException;
import io.creditscorer.scoring.AuditRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The audit writer's group commit: every record once, in blocks, never dropped silently. */
class LogAuditSinkTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-29T10:00:00.123Z"), ZoneOffset.UTC);
  private static final Duration NEVER = Duration.ofHours(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> blocks = Collections.synchronizedList(new ArrayList<>());

  private static AuditRecord record(String requestId) {
    return new AuditRecord(
        requestId,
        "A0042",
        "credit-risk",
        "2",
        "ab12",
        "policy-1",
        null,
        "cd34",
        0.25,
        600,
        "refer",
        List.of("R01", "R07"));
  }

  private List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (String block : blocks) {
      lines.addAll(List.of(block.split("\n")));
    }
    return lines;
  }

  @Test
  void whatIsQueuedIsWrittenAsOneBlockOfJsonLines() throws Exception {
    LogAuditSink sink = new LogAuditSink(CLOCK, blocks::add, 16, NEVER, Duration.ZERO);
    for (int i = 0; i < 3; i++) {
      sink.record(record("r" + i));
    }
    sink.writeQueued();
    sink.writeQueued(); // nothing left: no empty block
    assertEquals(1, blocks.size());
    List<String> lines = lines();
    assertEquals(3, lines.size());
    JsonNode line = JSON.readTree(lines.get(1));
    assertEquals("2026-11-29T10:00:00.123Z", line.get("timestamp").asText());
    assertEquals("r1", line.get("request_id").asText());
    assertEquals("A0042", line.get("applicant_id").asText());
    assertEquals("2", line.get("model_version").asText());
    assertEquals("ab12", line.get("model_sha256").asText());
    assertTrue(line.get("policy_rule").isNull());
    assertEquals("cd34", line.get("input_sha256").asText());
    assertEquals(0.25, line.get("probability_of_default").asDouble());
    assertEquals(600, line.get("score").asInt());
    assertEquals("refer", line.get("decision").asText());
    assertEquals("[\"R01\",\"R07\"]", line.get("reason_codes").toString());
    sink.close();
  }

  @Test
  void recordsFromManyThreadsAreEachWrittenExactlyOnce() throws Exception {
    LogAuditSink sink =
        new LogAuditSink(CLOCK, blocks::add, 1024, Duration.ofMillis(1), Duration.ofSeconds(10));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      int thread = t;
      pool.execute(
          () -> {
            for (int i = 0; i < 2_000; i++) {
              sink.record(record(thread + "-" + i));
            }
          });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    sink.close();
    List<String> lines = lines();
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      ids.add(JSON.readTree(line).get("request_id").asText());
    }
    assertEquals(16_000, lines.size());
    assertEquals(16_000, ids.size());
  }

  @Test
  void aFullQueueFailsTheDecisionAndKeepsWhatWasAccepted() {
    LogAuditSink sink = new LogAuditSink(CLOCK, blocks::add, 2, NEVER, Duration.ofMillis(5));
    sink.record(record("a"));
    sink.record(record("b"));
    ScoringException e = assertThrows(ScoringException.class, () -> sink.record(record("c")));
    assertEquals(ScoringException.Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("audit log"), e.getMessage());
    sink.close();
    assertEquals(2, lines().size());
    assertTrue(lines().get(1).contains("\"request_id\":\"b\""));
  }

  @Test
  void closeWritesWhatIsQueuedAndLateRecordsAreWrittenInPlace() {
    LogAuditSink sink = new LogAuditSink(CLOCK, blocks::add, 16, NEVER, Duration.ZERO);
    for (int i = 0; i < 5; i++) {
      sink.record(record("r" + i));
    }
    sink.close();
    assertEquals(5, lines().size());
    sink.record(record("late"));
    assertEquals(6, lines().size());
  }
}
