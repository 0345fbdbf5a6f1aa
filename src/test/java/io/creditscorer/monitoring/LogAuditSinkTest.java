package io.creditscorer.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.error.ScoringException;
import io.creditscorer.spi.AuditRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        "caller-1",
        "A0042",
        "credit-risk",
        "2",
        "ab12",
        "policy-1",
        null,
        "cd34",
        "key-7",
        0.25,
        600,
        "refer",
        List.of("R01", "R07"));
  }

  private void capture(ByteBuffer block) {
    blocks.add(StandardCharsets.UTF_8.decode(block).toString());
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
    LogAuditSink sink = new LogAuditSink(CLOCK, this::capture, null, 16, NEVER, Duration.ZERO);
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
    assertEquals("cd34", line.get("input_hmac").asText());
    assertEquals("key-7", line.get("hmac_key_id").asText());
    assertEquals(0.25, line.get("probability_of_default").asDouble());
    assertEquals(600, line.get("score").asInt());
    assertEquals("refer", line.get("decision").asText());
    assertEquals("[\"R01\",\"R07\"]", line.get("reason_codes").toString());
    sink.close();
  }

  @Test
  void recordsFromManyThreadsAreEachWrittenExactlyOnce() throws Exception {
    LogAuditSink sink =
        new LogAuditSink(
            CLOCK, this::capture, null, 1024, Duration.ofMillis(1), Duration.ofSeconds(10));
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
    LogAuditSink sink =
        new LogAuditSink(CLOCK, this::capture, null, 2, NEVER, Duration.ofMillis(5));
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
    LogAuditSink sink = new LogAuditSink(CLOCK, this::capture, null, 16, NEVER, Duration.ZERO);
    for (int i = 0; i < 5; i++) {
      sink.record(record("r" + i));
    }
    sink.close();
    assertEquals(5, lines().size());
    sink.record(record("late"));
    assertEquals(6, lines().size());
  }

  @Test
  void aBlockThatCannotBeWrittenIsKeptAndNothingIsLostWhenTheDiskRecovers() throws Exception {
    boolean[] diskFull = {true};
    LogAuditSink sink =
        new LogAuditSink(
            CLOCK,
            block -> {
              if (diskFull[0]) {
                throw new IOException("No space left on device");
              }
              capture(block);
            },
            null,
            3,
            NEVER,
            Duration.ofMillis(5));
    sink.record(record("a"));
    sink.record(record("b"));
    sink.writeQueued(); // fails: a and b are kept, not dropped
    sink.record(record("c"));
    sink.record(record("d"));
    sink.record(record("e"));
    sink.writeQueued(); // still failing: nothing more is taken off the queue
    ScoringException full = assertThrows(ScoringException.class, () -> sink.record(record("f")));
    assertEquals(ScoringException.Kind.UNAVAILABLE, full.kind());
    assertTrue(blocks.isEmpty());

    diskFull[0] = false;
    sink.writeQueued();
    sink.writeQueued();
    sink.close();
    List<String> ids = new ArrayList<>();
    for (String line : lines()) {
      ids.add(JSON.readTree(line).get("request_id").asText());
    }
    assertEquals(List.of("a", "b", "c", "d", "e"), ids);
  }

  @Test
  void linesAreAppendedToTheRotatingFile() throws Exception {
    Path dir = Files.createTempDirectory("audit");
    Path path = dir.resolve("decisions.log");
    io.creditscorer.journal.RotatingFile file =
        io.creditscorer.journal.RotatingFile.open(path, 1 << 20, 2, "the audit log");
    LogAuditSink sink =
        LogAuditSink.start(
            CLOCK,
            file::write,
            file,
            16,
            NEVER,
            Duration.ZERO,
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    sink.record(record("r0"));
    sink.record(record("r1"));
    sink.close();
    List<String> written = Files.readAllLines(path);
    assertEquals(2, written.size());
    assertEquals("r1", JSON.readTree(written.get(1)).get("request_id").asText());
    assertTrue(Files.readString(path).endsWith("}\n"));
  }

  @Test
  void eachRecordIsTypedAndHasAnIdThatARetriedBlockRepeats() throws Exception {
    boolean[] fail = {true};
    List<String> written = new ArrayList<>();
    LogAuditSink sink =
        new LogAuditSink(
            CLOCK,
            block -> {
              if (fail[0]) {
                throw new IOException("the stream is down");
              }
              written.add(StandardCharsets.UTF_8.decode(block).toString());
            },
            null,
            16,
            NEVER,
            Duration.ZERO);
    sink.record(record("a"));
    sink.record(record("b"));
    sink.writeQueued(); // fails: the block is kept
    fail[0] = false;
    sink.writeQueued();
    sink.close();
    List<String> lines = List.of(written.get(0).split("\n"));
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      JsonNode n = JSON.readTree(line);
      assertEquals("audit", n.get("type").asText());
      assertTrue(ids.add(n.get("record_id").asText()), "unique: " + line);
    }
    assertEquals(2, ids.size());
  }

  @Test
  void onStandardOutputABlockIsWrittenWholeBetweenLogLines() throws Exception {
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LogAuditSink sink =
          new LogAuditSink(CLOCK, LogAuditSink.standardOutput(), null, 16, NEVER, Duration.ZERO);
      System.out.println("a log line");
      sink.record(record("a"));
      sink.record(record("b"));
      sink.writeQueued();
      System.out.println("another log line");
      sink.close();
    } finally {
      System.setOut(original);
    }
    List<String> lines = List.of(captured.toString(StandardCharsets.UTF_8).split("\n"));
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertEquals("a log line", lines.get(0));
    assertEquals("a", JSON.readTree(lines.get(1)).get("request_id").asText());
    assertEquals("b", JSON.readTree(lines.get(2)).get("request_id").asText());
    assertEquals("another log line", lines.get(3));
  }
}
