package io.creditscorer.scoring;

import io.creditscorer.base.Ticker;
import io.creditscorer.error.ScoringException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Answers for {@code Idempotency-Key}s: a retry with the same key and the same body within the
 * window gets the identical answer (the same future, even while the first is still running) without
 * scoring again; the same key with a different body is refused with CONFLICT. Failed answers are
 * not kept, so a retry after a failure scores again. Bounded: at most {@code maxEntries} keys,
 * oldest evicted first. Thread-safe.
 */
public final class IdempotencyCache {

  private record Entry(String fingerprint, CompletableFuture<CreditResult> result, long expires) {}

  private final long windowNanos;
  private final int maxEntries;
  private final Ticker ticker;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  public IdempotencyCache(long windowNanos, int maxEntries, Ticker ticker) {
    if (windowNanos <= 0 || maxEntries < 1) {
      throw new IllegalArgumentException(
          "scorer.credit.idempotency window must be positive and max-keys at least 1");
    }
    this.windowNanos = windowNanos;
    this.maxEntries = maxEntries;
    this.ticker = ticker;
  }

  /** The kept answer for {@code key}, or a new one from {@code score}. */
  public CompletableFuture<CreditResult> answer(
      String key, String fingerprint, Supplier<CompletableFuture<CreditResult>> score) {
    CompletableFuture<CreditResult> placeholder = new CompletableFuture<>();
    Entry mine = new Entry(fingerprint, placeholder, ticker.read() + windowNanos);
    synchronized (this) {
      long now = ticker.read();
      expire(now);
      Entry kept = entries.get(key);
      if (kept != null) {
        if (!kept.fingerprint.equals(fingerprint)) {
          return CompletableFuture.failedFuture(
              new ScoringException(
                  ScoringException.Kind.CONFLICT,
                  "Idempotency-Key '"
                      + key
                      + "' was already used with a different request body; use a new key for a"
                      + " new request"));
        }
        return kept.result;
      }
      entries.put(key, mine);
      if (entries.size() > maxEntries) {
        Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }
    score
        .get()
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                synchronized (this) {
                  entries.remove(key, mine);
                }
                placeholder.completeExceptionally(error);
              } else {
                placeholder.complete(result);
              }
            });
    return placeholder;
  }

  /** Keys kept now. */
  public synchronized int size() {
    return entries.size();
  }

  private void expire(long now) {
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      if (it.next().expires - now > 0) {
        break; // insertion order is expiry order
      }
      it.remove();
    }
  }
}
