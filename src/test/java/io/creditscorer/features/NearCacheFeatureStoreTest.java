package io.creditscorer.features;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.RedisServer;
import io.creditscorer.TestModels;
import io.creditscorer.repository.ModelRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redis feature source, the loader and the near-cache, against a real redis-server. */
class NearCacheFeatureStoreTest {

  static final Path SNAPSHOT = Path.of("data/applicants.jsonl");
  static final NearCacheFeatureStore.Settings SETTINGS =
      new NearCacheFeatureStore.Settings(
          10_000, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(10));

  static RedisServer server;
  static Vertx vertx;
  static Redis client;
  static RedisFeatureSource redis;

  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final List<Collection<String>> fetches = new CopyOnWriteArrayList<>();

  @TempDir Path tmp;

  @BeforeAll
  static void startRedis() throws Exception {
    server = new RedisServer().start();
    vertx = Vertx.vertx();
    client = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()));
    redis = new RedisFeatureSource(vertx, server.url(), "applicant:", 4);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    server.close();
  }

  @BeforeEach
  void loadSnapshot() throws IOException {
    send(Request.cmd(Command.FLUSHALL));
    FeatureLoader.Summary s = new FeatureLoader(client, "applicant:", 300).load(SNAPSHOT, l -> {});
    assertEquals(1000, s.applicants());
    assertEquals(4, s.batches());
  }

  /** A cache over the real Redis source that records every fetch. */
  NearCacheFeatureStore cache(FeatureSource source) {
    return new NearCacheFeatureStore(
        ids -> {
          fetches.add(List.copyOf(ids));
          return source.fetch(ids);
        },
        "redis",
        SETTINGS,
        now::get,
        Runnable::run,
        new SimpleMeterRegistry());
  }

  static String send(Request request) {
    try {
      return String.valueOf(
          client.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  static List<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> String.format("A%04d", i)).toList();
  }

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void theLoaderWritesEveryApplicantOfTheSnapshotAsOneJsonValue() throws Exception {
    assertEquals("1000", send(Request.cmd(Command.DBSIZE)));
    Map<String, Map<String, Object>> expected = FeatureSnapshot.read(SNAPSHOT);
    Map<String, Map<String, Object>> stored = get(redis.fetch(ids(0, 1000)));
    assertEquals(expected, stored);
  }

  @Test
  void theLoaderReadsCsvAndRefusesAMalformedFileBeforeWritingAnything() throws Exception {
    Path csv = tmp.resolve("extra.csv");
    Files.writeString(csv, "applicant_id,duration,purpose\nB1,12,\"used car\"\nB2,7.5,education\n");
    new FeatureLoader(client, "applicant:", 500).load(csv, l -> {});
    Map<String, Map<String, Object>> stored = get(redis.fetch(List.of("B1", "B2")));
    assertEquals(12, ((Number) stored.get("B1").get("duration")).intValue());
    assertEquals("used car", stored.get("B1").get("purpose"));
    assertEquals(7.5, ((Number) stored.get("B2").get("duration")).doubleValue());

    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"applicant_id\":\"C1\",\"duration\":6}\n{\"duration\":6}\n");
    IOException e =
        assertThrows(
            IOException.class, () -> new FeatureLoader(client, "applicant:", 1).load(bad, l -> {}));
    assertTrue(e.getMessage().contains("bad.jsonl:2"), e.getMessage());
    assertTrue(get(redis.fetch(List.of("C1"))).isEmpty(), "nothing of a bad file is written");
  }

  @Test
  void theMissesOfOneLookupAreOneRedisRoundTripAndLaterLookupsAreHits() throws Exception {
    NearCacheFeatureStore store = cache(redis);
    Map<String, StoredApplicant> found = get(store.lookup(ids(0, 100)));
    assertEquals(100, found.size());
    assertEquals(1, fetches.size(), "one MGET for the batch");
    assertEquals(100, fetches.get(0).size());
    assertEquals(FeatureSnapshot.read(SNAPSHOT).get("A0042"), found.get("A0042").fields());

    Map<String, StoredApplicant> again = get(store.lookup(ids(50, 150)));
    assertEquals(100, again.size());
    assertEquals(2, fetches.size());
    assertEquals(50, fetches.get(1).size(), "only the 50 misses are read");
    assertSame(found.get("A0060"), again.get("A0060"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void entriesAreRefreshedAheadAfterRefreshAfterAndExpireAfterTheTtl() throws Exception {
    CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    CompletableFuture<Void>[] held = new CompletableFuture[] {gate};
    NearCacheFeatureStore store = cache(ids -> held[0].thenCompose(x -> redis.fetch(ids)));
    assertEquals(6, get(store.lookup(List.of("A0000"))).get("A0000").fields().get("duration"));
    send(Request.cmd(Command.SET).arg("applicant:A0000").arg(changed("A0000", 24)));
    held[0] = new CompletableFuture<>(); // reads from now on wait until released

    advance(Duration.ofSeconds(30));
    assertEquals(6, get(store.lookup(List.of("A0000"))).get("A0000").fields().get("duration"));
    assertEquals(1, fetches.size(), "fresh entries are served from memory");

    advance(Duration.ofSeconds(31)); // 61 s old: due for refresh
    assertEquals(
        6,
        get(store.lookup(List.of("A0000"))).get("A0000").fields().get("duration"),
        "the stale value is served while the refresh runs");
    assertEquals(2, fetches.size(), "a refresh read was started");
    held[0].complete(null);
    await("the refreshed value replaces the old one")
        .until(
            () -> get(store.lookup(List.of("A0000"))).get("A0000").fields().get("duration"),
            Integer.valueOf(24)::equals);

    send(Request.cmd(Command.SET).arg("applicant:A0000").arg(changed("A0000", 36)));
    advance(Duration.ofMinutes(11)); // beyond the TTL: expired, read again on the next lookup
    int before = fetches.size();
    assertEquals(36, get(store.lookup(List.of("A0000"))).get("A0000").fields().get("duration"));
    assertEquals(before + 1, fetches.size());
  }

  @Test
  void anUnknownIdIsRememberedForTheAbsentTtlOnly() throws Exception {
    NearCacheFeatureStore store = cache(redis);
    assertTrue(get(store.lookup(List.of("Z1"))).isEmpty());
    assertTrue(get(store.lookup(List.of("Z1"))).isEmpty());
    assertEquals(1, fetches.size(), "the second lookup of an unknown id costs no read");
    send(Request.cmd(Command.SET).arg("applicant:Z1").arg(changed("A0001", 9)));
    advance(Duration.ofSeconds(11));
    assertEquals(9, get(store.lookup(List.of("Z1"))).get("Z1").fields().get("duration"));
    assertEquals(2, fetches.size());
  }

  @Test
  void concurrentMissesForOneIdCostOneRedisRead() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    NearCacheFeatureStore store = cache(ids -> gate.thenCompose(x -> redis.fetch(ids)));
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(threads);
    List<CompletableFuture<Map<String, StoredApplicant>>> answers = new CopyOnWriteArrayList<>();
    try {
      List<java.util.concurrent.Future<?>> started = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        started.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  awaitQuietly(ready);
                  answers.add(store.lookup(List.of("A0007")));
                }));
      }
      for (java.util.concurrent.Future<?> f : started) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertFalse(answers.get(0).isDone(), "the read is held at the gate");
      gate.complete(null);
      StoredApplicant first = get(answers.get(0)).get("A0007");
      for (CompletableFuture<Map<String, StoredApplicant>> a : answers) {
        assertSame(first, get(a).get("A0007"));
      }
      assertEquals(1, fetches.size(), "32 concurrent misses, one read");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStoredApplicantIsEncodedOncePerModel() throws Exception {
    StoredApplicant a = get(cache(redis).lookup(List.of("A0003"))).get("A0003");
    try (ModelRepository models = TestModels.shippedModels()) {
      CreditFeatureEncoder encoder =
          models.resolve("credit-risk", "1").credit().orElseThrow().encoder();
      StoredApplicant.Encoded first = a.encodedFor(encoder);
      assertTrue(first.problems().isEmpty(), first.problems().toString());
      assertSame(first, a.encodedFor(encoder));
      float[] direct = new float[encoder.width()];
      encoder.encode(a.fields(), direct, 0, "", new ArrayList<>());
      assertTrue(java.util.Arrays.equals(direct, first.row()));
    }
  }

  static String changed(String id, int duration) throws IOException {
    Map<String, Object> fields = new HashMap<>(FeatureSnapshot.read(SNAPSHOT).get(id));
    fields.put("duration", duration);
    return FeatureSnapshot.toJson(fields);
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
