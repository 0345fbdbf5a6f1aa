package io.creditscorer.scoring;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.creditscorer.base.Ticker;
import io.creditscorer.decision.Reason;
import io.creditscorer.error.ScoringException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Answers for {@code Idempotency-Key}s: a retry with the same key and the same body within the
 * window gets the identical answer (the same future, even while the first is still running) without
 * scoring again; the same key with a different body is refused with CONFLICT. Failed answers are
 * not kept, so a retry after a failure scores again.
 *
 * <p>Bounded by bytes, not keys (a Caffeine cache with a weigher): each key weighs what it and its
 * answer hold, estimated from their sizes, so a few large answers cannot hold more memory than many
 * small ones. Over the bound, the least recently used keys go first. Thread-safe.
 */
public final class IdempotencyCache {

  /** What a kept key costs beyond its strings: the entry, the future and the cache's node. */
  static final int ENTRY_OVERHEAD = 160;

  /** What one applicant's answer costs beyond its strings, and one reason beyond its strings. */
  static final int APPLICANT_OVERHEAD = 96;

  static final int REASON_OVERHEAD = 64;

  private record Entry(String fingerprint, CompletableFuture<CreditResult> result, int weight) {}

  private final Cache<String, Entry> entries;

  /**
   * @param windowNanos how long a key's answer is kept
   * @param maxBytes the most the kept keys and answers may weigh together
   */
  public IdempotencyCache(long windowNanos, long maxBytes, Ticker ticker) {
    if (windowNanos <= 0 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "scorer.credit.idempotency window and max-bytes must be positive");
    }
    this.entries =
        Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofNanos(windowNanos))
            .maximumWeight(maxBytes)
            .weigher((String key, Entry e) -> e.weight())
            .ticker(ticker::read)
            .executor(Runnable::run)
            .build();
  }

  /** The kept answer for {@code key}, or a new one from {@code score}. */
  public CompletableFuture<CreditResult> answer(
      String key, String fingerprint, Supplier<CompletableFuture<CreditResult>> score) {
    CompletableFuture<CreditResult> placeholder = new CompletableFuture<>();
    Entry mine = new Entry(fingerprint, placeholder, weigh(key, fingerprint, null));
    Entry kept = entries.asMap().putIfAbsent(key, mine);
    if (kept != null) {
      if (!kept.fingerprint().equals(fingerprint)) {
        return CompletableFuture.failedFuture(
            new ScoringException(
                ScoringException.Kind.CONFLICT,
                "Idempotency-Key '"
                    + key
                    + "' was already used with a different request body; use a new key for a"
                    + " new request"));
      }
      return kept.result();
    }
    score
        .get()
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                entries.asMap().remove(key, mine);
                placeholder.completeExceptionally(error);
              } else {
                // Weighed again now that the answer's size is known.
                entries
                    .asMap()
                    .replace(
                        key,
                        mine,
                        new Entry(fingerprint, placeholder, weigh(key, fingerprint, result)));
                placeholder.complete(result);
              }
            });
    return placeholder;
  }

  /** Keys kept now. */
  public long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  /** The estimated bytes the kept keys and answers hold now. */
  public long weight() {
    entries.cleanUp();
    return entries.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  /** The bytes a key and its answer ({@code null}: not yet known) hold, estimated. */
  static int weigh(String key, String fingerprint, CreditResult answer) {
    long bytes = ENTRY_OVERHEAD + chars(key) + chars(fingerprint);
    if (answer != null) {
      bytes += chars(answer.requestId());
      for (CreditResult.Applicant a : answer.results()) {
        bytes += APPLICANT_OVERHEAD + chars(a.applicantId()) + chars(a.policyRule());
        for (Reason r : a.reasons()) {
          bytes += REASON_OVERHEAD + chars(r.code()) + chars(r.description()) + chars(r.feature());
        }
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  private static long chars(String s) {
    return s == null ? 0 : 2L * s.length();
  }
}
