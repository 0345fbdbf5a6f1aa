package io.creditscorer.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.creditscorer.RedisExtension;
import io.creditscorer.feedback.DecisionStore.NewOutcome;
import io.creditscorer.feedback.DecisionStore.Recording;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared decision store on a real Redis: the embedded store's contract, and what replicas
 * sharing it see (each store instance here stands for a replica).
 */
class RedisDecisionStoreTest extends DecisionStoreContract {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /** Each test its own keys. */
  final String prefix = "test:" + UUID.randomUUID() + ":";

  @Override
  RedisDecisionStore open(int maxEntries) {
    return new RedisDecisionStore(
        REDIS.vertx(),
        REDIS.url(),
        prefix,
        maxEntries,
        Duration.ofDays(30),
        Duration.ofSeconds(2),
        clock);
  }

  @Test
  void aReplicaFindsWhatAnotherDecidedAndTheFirstOutcomeWinsAcrossThem() {
    try (DecisionStore a = open(100);
        DecisionStore b = open(100)) {
      a.add(List.of(decision("r1", "A", 0.1, T0)));
      DecisionStore.Entry inA = entry(a.find("r1", null));
      DecisionStore.Entry inB = entry(b.find("r1", "A"));
      assertEquals(inA.decision, inB.decision);
      // Both found it without an outcome; b reports first.
      assertTrue(record(b, inB, true, T0).recorded());
      Recording late = record(a, inA, false, T0.plusSeconds(1));
      assertFalse(late.recorded());
      assertTrue(late.kept().defaulted(), "a is told the outcome b recorded");
      assertEquals(1, a.countAndVisitOutcomes(T0, 10, (m, v, pd, d, s, o) -> {}).get(0).outcomes());
    }
  }

  @Test
  void racingReplicasRecordEachDecisionExactlyOnce() throws Exception {
    int n = 300;
    try (DecisionStore a = open(1000);
        DecisionStore b = open(1000)) {
      List<DecisionStore.NewDecision> decisions = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        decisions.add(decision("r" + i, "A" + i, 0.1, T0));
      }
      a.add(decisions);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Integer>> recorded = new ArrayList<>();
        for (DecisionStore replica : List.of(a, b)) {
          Callable<Integer> reportAll =
              () -> {
                int won = 0;
                for (int i = 0; i < n; i++) {
                  DecisionStore.Entry e = entry(replica.find("r" + i, null));
                  if (replica
                      .recordAll(List.of(new NewOutcome(e, replica == a, T0)))
                      .get(0)
                      .recorded()) {
                    won++;
                  }
                }
                return won;
              };
          recorded.add(pool.submit(reportAll));
        }
        assertEquals(n, recorded.get(0).get() + recorded.get(1).get());
      } finally {
        pool.shutdownNow();
      }
      assertEquals(n, counts(b).get(0).outcomes());
    }
  }

  @Test
  void aBatchSentAgainIsNotStoredTwice() {
    try (DecisionStore store = open(100)) {
      List<DecisionStore.NewDecision> batch =
          List.of(decision("r1", "A", 0.1, T0), decision("r2", "B", 0.2, T0));
      store.add(batch);
      store.add(batch); // as after a reply lost on the way back
      assertEquals(2, store.size());
      assertEquals("A", found(store.find("r1", null)).applicantId());
    }
  }

  @Test
  void withoutRedisEveryCallFailsNamingTheStoreWithoutItsPassword() {
    try (DecisionStore store =
        new RedisDecisionStore(
            REDIS.vertx(),
            "redis://user:secret@127.0.0.1:1",
            prefix,
            100,
            Duration.ofDays(1),
            Duration.ofSeconds(2),
            clock)) {
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class, () -> store.add(List.of(decision("r1", "A", 0.1, T0))));
      assertTrue(e.getMessage().contains("redis://user:***@127.0.0.1:1"), e.getMessage());
      assertFalse(e.getMessage().contains("secret"), e.getMessage());
      assertThrows(UncheckedIOException.class, () -> store.find("r1", null));
    }
  }

  @Test
  void aReusedRequestIdKeepsItsIndexEntryTheSameSize() throws Exception {
    try (DecisionStore store = open(100)) {
      for (int i = 0; i < 1_000; i++) {
        store.add(List.of(decision("same", "A" + i, 0.1, T0)));
      }
      // The count and the newest number ("100 1000", under ten bytes), not a list that grows with
      // each reuse: adding and evicting cost the same however often a caller reuses an id.
      assertTrue(REDIS.server().command("HSTRLEN " + prefix + "r same").matches(":[0-9]\\r\\n"));
    }
  }
}
