package io.creditscorer.bench;

import io.creditscorer.RedisServer;
import io.creditscorer.feedback.DecisionStore;
import io.creditscorer.feedback.PerformanceWindows;
import io.creditscorer.feedback.RedisDecisionStore;
import io.creditscorer.monitoring.RedisStreamOut;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;

/**
 * The Redis decision store on a real {@code redis-server} of its own: the memory Redis takes per
 * decision (with and without its outcome, from {@code INFO memory}'s {@code used_memory}), how fast
 * decisions are added in the feedback thread's batches and outcomes recorded in reports of 1,000,
 * and how long a performance refresh takes. Request ids are UUIDs and applicant ids 12 characters,
 * as a bank's would be.
 *
 * <p>Run: {@code mvn -Pbench test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.creditscorer.bench.RedisDecisionStoreBench [-Dexec.args="100000"]}
 */
public final class RedisDecisionStoreBench {

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = new RedisServer().start()) {
      long empty = usedMemory(redis);
      Clock clock = Clock.systemUTC();
      try (DecisionStore store =
          new RedisDecisionStore(
              vertx,
              redis.url(),
              "credit-scorer:decisions:",
              entries,
              Duration.ofDays(400),
              Duration.ofSeconds(10),
              clock)) {
        Random random = new Random(42);
        List<DecisionStore.NewDecision> decisions = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
          double pd = random.nextDouble();
          decisions.add(
              new DecisionStore.NewDecision(
                  UUID.randomUUID().toString(),
                  String.format("APP%09d", i),
                  "credit-risk",
                  "2",
                  pd,
                  300 + (int) (550 * (1 - pd)),
                  pd < 0.2 ? "approve" : pd < 0.5 ? "refer" : "decline",
                  clock.instant()));
        }
        long start = System.nanoTime();
        for (int from = 0; from < entries; from += 64) {
          store.add(decisions.subList(from, Math.min(entries, from + 64)));
        }
        double addSeconds = (System.nanoTime() - start) / 1e9;
        long withDecisions = usedMemory(redis);

        start = System.nanoTime();
        for (int from = 0; from < entries; from += 1000) {
          List<DecisionStore.Lookup> lookups = new ArrayList<>();
          for (int i = from; i < Math.min(entries, from + 1000); i++) {
            lookups.add(new DecisionStore.Lookup(decisions.get(i).requestId(), null));
          }
          List<DecisionStore.NewOutcome> outcomes = new ArrayList<>();
          for (DecisionStore.Match m : store.findAll(lookups)) {
            outcomes.add(
                new DecisionStore.NewOutcome(
                    ((DecisionStore.Found) m).entry(), random.nextDouble() < 0.3, Instant.now()));
          }
          store.recordAll(outcomes);
        }
        double outcomeSeconds = (System.nanoTime() - start) / 1e9;
        long withOutcomes = usedMemory(redis);

        PerformanceWindows.Settings window =
            new PerformanceWindows.Settings(5_000, Duration.ofDays(90), 10);
        PerformanceWindows.compute(store, clock.instant(), window, (m, v) -> true);
        start = System.nanoTime();
        int refreshes = 20;
        for (int i = 0; i < refreshes; i++) {
          PerformanceWindows.compute(store, clock.instant(), window, (m, v) -> true);
        }
        double refreshMillis = (System.nanoTime() - start) / 1e6 / refreshes;

        System.out.printf(
            "%,d decisions in batches of 64: %,.0f decisions/s%n", entries, entries / addSeconds);
        System.out.printf(
            "outcomes in reports of 1,000 (looked up together, recorded together): %,.0f /s%n",
            entries / outcomeSeconds);
        System.out.printf(
            "Redis memory per decision: %,d bytes without its outcome, %,d with it%n",
            (withDecisions - empty) / entries, (withOutcomes - empty) / entries);
        System.out.printf("one refresh (window of 5,000): %.1f ms%n", refreshMillis);

        // The audit stream beside it: records shaped like the golden corpus' (a UUID request id).
        long before = usedMemory(redis);
        String line =
            java.nio.file.Files.readAllLines(
                    java.nio.file.Path.of("src/test/resources/golden/audit.jsonl"))
                .get(0)
                // the fields the corpus leaves out, as long as a writer's are
                .replace(
                    "{\"type\":\"audit\",",
                    "{\"type\":\"audit\",\"record_id\":\"9f1c2b3a4d5e6f70-1234567\","
                        + "\"timestamp\":\"2026-12-07T08:00:00.123456Z\",")
                .replace("golden-1-A0000", UUID.randomUUID().toString());
        try (RedisStreamOut stream =
            new RedisStreamOut(
                vertx,
                redis.url(),
                "credit-scorer:audit",
                OptionalLong.empty(),
                Duration.ofSeconds(10))) {
          for (int from = 0; from < entries; from += 64) {
            StringBuilder block = new StringBuilder();
            for (int i = from; i < Math.min(entries, from + 64); i++) {
              block.append(line).append('\n');
            }
            stream.write(ByteBuffer.wrap(block.toString().getBytes(StandardCharsets.UTF_8)));
          }
        }
        System.out.printf(
            "Redis memory per audit record (%d-byte JSON): %,d bytes%n",
            line.length(), (usedMemory(redis) - before) / entries);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static long usedMemory(RedisServer redis) throws Exception {
    for (String line : redis.command("INFO memory").split("\r\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("no used_memory in INFO memory");
  }
}
