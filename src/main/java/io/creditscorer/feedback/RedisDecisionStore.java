package io.creditscorer.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.creditscorer.base.RedisUrls;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The {@link DecisionStore} every replica shares, in Redis ({@code scorer.feedback.store.type=
 * redis}). Each step is one Lua script ({@link RedisDecisionScripts}, where the keys are listed),
 * so it is atomic across replicas: decisions get their numbers in Redis, and the first outcome of a
 * decision wins wherever it was reported. Adding a batch of decisions is one round trip; so are
 * looking up and recording a whole report's outcomes.
 *
 * <p>Bounded like the embedded store: at most {@code maxEntries} decisions, none decided longer
 * than {@code retention} ago, the oldest evicted first, with their indexes and outcomes. Eviction
 * runs with every batch added and, at most once a second, on its own; each call evicts at most
 * {@value #EVICT_LIMIT}, so a script never holds Redis up for long.
 *
 * <p>Durability is Redis': with AOF {@code appendfsync everysec} a crash of Redis loses up to a
 * second of writes, with {@code always} none; Redis must not evict keys ({@code maxmemory-policy
 * noeviction}), or indexes could lose their decisions. Every method waits at most {@code timeout}
 * for Redis and throws {@link UncheckedIOException} when it does not answer. Thread-safe.
 */
public final class RedisDecisionStore implements DecisionStore {

  /** Most decisions one call evicts. */
  static final int EVICT_LIMIT = 10_000;

  /** Most decisions one script adds. */
  static final int ADD_LIMIT = 2_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration EVICT_INTERVAL = Duration.ofSeconds(1);

  private final Redis client;
  private final String url;
  private final String prefix;
  private final int maxEntries;
  private final Duration retention;
  private final Duration timeout;
  private final Clock clock;
  private volatile int size;
  private volatile int outcomes;
  private long evicted;
  private Instant lastEviction = Instant.MIN;

  /**
   * @param url e.g. {@code redis://127.0.0.1:6379/0}
   * @param prefix of every key the store uses
   */
  public RedisDecisionStore(
      Vertx vertx,
      String url,
      String prefix,
      int maxEntries,
      Duration retention,
      Duration timeout,
      Clock clock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("scorer.feedback.store.max-entries must be at least 1");
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("scorer.feedback.store.retention must be positive");
    }
    this.client = Redis.createClient(vertx, RedisUrls.options(url).setMaxPoolSize(4));
    this.url = url;
    this.prefix = prefix;
    this.maxEntries = maxEntries;
    this.retention = retention;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * {@inheritDoc}
   *
   * <p>In scripts of at most {@link #ADD_LIMIT}, each under an id drawn from its content: a batch
   * sent again after its reply was lost (the caller retries what failed) is not stored twice.
   */
  @Override
  public synchronized void add(List<NewDecision> decisions) {
    for (int from = 0; from < decisions.size(); from += ADD_LIMIT) {
      List<NewDecision> part =
          decisions.subList(from, Math.min(decisions.size(), from + ADD_LIMIT));
      MessageDigest id = sha256();
      List<String> values = new ArrayList<>(part.size());
      for (NewDecision d : part) {
        String value = json(d);
        id.update(value.getBytes(StandardCharsets.UTF_8));
        values.add(value);
      }
      Request add =
          bounds(script(RedisDecisionScripts.ADD)).arg(HexFormat.of().formatHex(id.digest()));
      for (int i = 0; i < part.size(); i++) {
        NewDecision d = part.get(i);
        add.arg(orEmpty(d.requestId()))
            .arg(orEmpty(d.applicantId()))
            .arg(d.modelName() + "\t" + d.modelVersion())
            .arg(values.get(i));
      }
      counted(send(add));
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public synchronized void evictExpired() {
    Instant now = clock.instant();
    if (now.isBefore(lastEviction.plus(EVICT_INTERVAL))) {
      return;
    }
    counted(send(bounds(script(RedisDecisionScripts.EVICT_EXPIRED))));
    lastEviction = now;
  }

  private Request bounds(Request r) {
    return r.arg(prefix)
        .arg(micros(clock.instant()))
        .arg(micros(retention))
        .arg(maxEntries)
        .arg(EVICT_LIMIT);
  }

  /** Takes {evicted, live decisions, live outcomes}. */
  private void counted(Response r) {
    evicted += r.get(0).toLong();
    size = r.get(1).toInteger();
    outcomes = r.get(2).toInteger();
  }

  @Override
  public List<Match> findAll(List<Lookup> lookups) {
    if (lookups.isEmpty()) {
      return List.of();
    }
    Request find = script(RedisDecisionScripts.FIND).arg(prefix);
    for (Lookup l : lookups) {
      find.arg(orEmpty(l.requestId())).arg(orEmpty(l.applicantId()));
    }
    Response reply = send(find);
    List<Match> matches = new ArrayList<>(lookups.size());
    for (Response r : reply) {
      matches.add(
          switch (r.get(0).toString()) {
            case "found" -> {
              long seq = r.get(1).toLong();
              yield new Found(new Entry(seq, decision(seq, r.get(2).toString(), r.get(3))));
            }
            case "unknown-request" -> new UnknownRequest();
            case "unknown-applicant" -> new UnknownApplicant();
            case "ambiguous" -> new Ambiguous(r.get(1).toInteger());
            default -> throw new IllegalStateException("unexpected answer " + r);
          });
    }
    return matches;
  }

  @Override
  public List<Recording> recordAll(List<NewOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return List.of();
    }
    Instant now = clock.instant();
    Request record = script(RedisDecisionScripts.RECORD).arg(prefix);
    List<Outcome> offered = new ArrayList<>(outcomes.size());
    for (NewOutcome n : outcomes) {
      StoredDecision d = n.entry().decision;
      Outcome o = new Outcome(n.defaulted(), n.observedAt(), now);
      offered.add(o);
      record
          .arg(d.seq())
          .arg(d.modelName() + "\t" + d.modelVersion())
          .arg(micros(n.observedAt()))
          .arg(member(d, o));
    }
    Response reply = send(record);
    Response r = reply.get(0);
    size = reply.get(1).toInteger();
    this.outcomes = reply.get(2).toInteger();
    List<Recording> recordings = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      String answer = r.get(i).toString();
      Entry entry = outcomes.get(i).entry();
      switch (answer) {
        case "recorded" -> {
          entry.decision = entry.decision.withOutcome(offered.get(i));
          recordings.add(new Recording(true, offered.get(i)));
        }
        case "gone" -> recordings.add(new Recording(false, null));
        default -> recordings.add(new Recording(false, Member.parse(answer).outcome()));
      }
    }
    return recordings;
  }

  @Override
  public List<VersionCount> countAndVisitOutcomes(
      Instant oldest, int latest, OutcomeVisitor visitor) {
    Map<String, int[]> byVersion = new HashMap<>();
    hashEntries(
        send(Request.cmd(Command.HGETALL).arg(prefix + "c")),
        (field, value) -> {
          String[] kind = field.split("\t", 2);
          int[] c = byVersion.computeIfAbsent(kind[1], k -> new int[2]);
          c[kind[0].equals("d") ? 0 : 1] = value.toInteger();
        });
    List<VersionCount> result = new ArrayList<>(byVersion.size());
    for (Map.Entry<String, int[]> v : byVersion.entrySet()) {
      String[] mv = v.getKey().split("\t", 2);
      result.add(new VersionCount(mv[0], mv[1], v.getValue()[0], v.getValue()[1]));
      if (v.getValue()[1] == 0) {
        continue;
      }
      Response window =
          send(
              Request.cmd(Command.ZREVRANGEBYSCORE)
                  .arg(prefix + "w:" + v.getKey())
                  .arg("+inf")
                  .arg(micros(oldest))
                  .arg("LIMIT")
                  .arg(0)
                  .arg(latest));
      for (Response m : window) {
        Member o = Member.parse(m.toString());
        visitor.visit(mv[0], mv[1], o.pd(), o.decision(), o.seq(), o.outcome());
      }
    }
    return result;
  }

  @Override
  public void labelAll(List<NewLabels> labels) {
    if (labels.isEmpty()) {
      return;
    }
    Request label = script(RedisDecisionScripts.LABEL).arg(prefix);
    for (NewLabels l : labels) {
      label.arg(l.entry().decision.seq()).arg(l.groups());
    }
    send(label);
  }

  /** Reads the labels hash in pages, each page's decisions and outcomes in two more calls. */
  @Override
  public void visitLabelled(LabelledVisitor visitor) {
    String cursor = "0";
    do {
      Response page =
          send(Request.cmd(Command.HSCAN).arg(prefix + "g").arg(cursor).arg("COUNT").arg(500));
      cursor = page.get(0).toString();
      Response fields = page.get(1);
      Request decisions = Request.cmd(Command.HMGET).arg(prefix + "d");
      Request outcomes = Request.cmd(Command.HMGET).arg(prefix + "o");
      for (int i = 0; i < fields.size(); i += 2) {
        decisions.arg(fields.get(i).toString());
        outcomes.arg(fields.get(i).toString());
      }
      Response d = fields.size() == 0 ? null : send(decisions);
      Response o = fields.size() == 0 ? null : send(outcomes);
      for (int i = 0; i < fields.size(); i += 2) {
        if (d.get(i / 2) != null) { // else evicted between the calls
          long seq = fields.get(i).toLong();
          StoredDecision s = decision(seq, d.get(i / 2).toString(), o.get(i / 2));
          visitor.visit(
              s.modelName(),
              s.modelVersion(),
              s.probabilityOfDefault(),
              s.decision(),
              s.decidedAt(),
              seq,
              fields.get(i + 1).toString(),
              s.outcome());
        }
      }
    } while (!"0".equals(cursor));
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int outcomes() {
    return outcomes;
  }

  @Override
  public synchronized long evicted() {
    return evicted;
  }

  @Override
  public void close() {
    client.close();
  }

  /** A hash's fields, whether Redis answered with a map (RESP3) or a flat array (RESP2). */
  private static void hashEntries(Response r, BiConsumer<String, Response> field) {
    if (r.isMap()) {
      r.getKeys().forEach(k -> field.accept(k, r.get(k)));
    } else {
      for (int i = 0; i + 1 < r.size(); i += 2) {
        field.accept(r.get(i).toString(), r.get(i + 1));
      }
    }
  }

  private static Request script(String lua) {
    return Request.cmd(Command.EVAL).arg(lua).arg(0);
  }

  private Response send(Request request) {
    try {
      return client
          .send(request)
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new UncheckedIOException(
          new IOException(
              "decision store at "
                  + RedisUrls.redacted(url)
                  + " (scorer.feedback.redis.url): "
                  + cause.getMessage(),
              cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while waiting for Redis", e));
    }
  }

  private static String json(NewDecision d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("r", d.requestId());
    n.put("a", d.applicantId());
    n.put("m", d.modelName());
    n.put("v", d.modelVersion());
    n.put("p", d.probabilityOfDefault());
    n.put("s", d.score());
    n.put("d", d.decision());
    n.put("t", micros(d.decidedAt()));
    n.put("at", d.decidedAt().toString());
    return n.toString();
  }

  private static StoredDecision decision(long seq, String json, Response outcome) {
    try {
      JsonNode n = JSON.readTree(json);
      return new StoredDecision(
          seq,
          text(n, "r"),
          text(n, "a"),
          text(n, "m"),
          text(n, "v"),
          n.get("p").asDouble(),
          n.get("s").asInt(),
          text(n, "d"),
          Instant.parse(n.get("at").asText()),
          outcome == null ? null : Member.parse(outcome.toString()).outcome());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("decision " + seq + " in Redis is not JSON", e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** An outcome as a member of its version's window set; ordered by number where times tie. */
  private record Member(long seq, Outcome outcome, double pd, String decision) {
    static Member parse(String m) {
      String[] f = m.split("\\|", 6);
      return new Member(
          Long.parseLong(f[0]),
          new Outcome(f[1].equals("1"), Instant.parse(f[2]), Instant.parse(f[3])),
          Double.parseDouble(f[4]),
          f[5]);
    }
  }

  private static String member(StoredDecision d, Outcome o) {
    return String.format(
        "%019d|%s|%s|%s|%s|%s",
        d.seq(),
        o.defaulted() ? "1" : "0",
        o.observedAt(),
        o.recordedAt(),
        Double.toString(d.probabilityOfDefault()),
        d.decision());
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  private static long micros(Duration d) {
    return d.getSeconds() >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : d.toNanos() / 1000;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
