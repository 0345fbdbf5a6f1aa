package io.creditscorer.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.creditscorer.base.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Repeated authentication failures per client address: an address whose presented credentials
 * failed {@code limit} times within {@code window} is refused for {@code block}, before any token
 * is looked at, so guessing keys or flooding bad signatures costs the guesser, not the service.
 * State is bounded: at most {@code maxClients} addresses are remembered, the least recently seen
 * forgotten first, each for at most the window or the block. Thread-safe.
 */
public final class FailedAuthentications {

  private static final Logger LOG = Logger.getLogger(FailedAuthentications.class);

  private final int limit;
  private final long windowNanos;
  private final long blockNanos;
  private final Ticker ticker;
  private final Cache<String, Client> clients;

  /** One address's failures in its current window, and until when it is refused. */
  private record Client(int failures, long windowStart, long blockedUntil) {}

  public FailedAuthentications(
      int limit, Duration window, Duration block, long maxClients, Ticker ticker) {
    if (limit < 1) {
      throw new IllegalArgumentException("scorer.auth.failures.limit must be at least 1");
    }
    this.limit = limit;
    this.windowNanos = window.toNanos();
    this.blockNanos = block.toNanos();
    this.ticker = ticker;
    this.clients =
        Caffeine.newBuilder()
            .maximumSize(maxClients)
            .ticker(ticker::read)
            .executor(Runnable::run)
            .expireAfterWrite(Math.max(windowNanos, blockNanos), TimeUnit.NANOSECONDS)
            .build();
  }

  /** How long {@code address} is still refused, or {@link Duration#ZERO}. */
  public Duration refusedFor(String address) {
    Client c = clients.getIfPresent(address);
    if (c == null) {
      return Duration.ZERO;
    }
    long left = c.blockedUntil() - ticker.read();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /** Counts a failed authentication of {@code address}; the limit-th in a window blocks it. */
  public void failed(String address) {
    long now = ticker.read();
    Client after =
        clients
            .asMap()
            .compute(
                address,
                (a, c) -> {
                  boolean fresh = c == null || now - c.windowStart() >= windowNanos;
                  int failures = (fresh ? 0 : c.failures()) + 1;
                  if (failures >= limit) {
                    return new Client(0, now, now + blockNanos); // a new window after the block
                  }
                  return new Client(
                      failures, fresh ? now : c.windowStart(), c == null ? now : c.blockedUntil());
                });
    if (after.blockedUntil() == now + blockNanos) {
      LOG.warnf(
          "%s failed to authenticate %d times within %s: refused for %s",
          address, limit, Duration.ofNanos(windowNanos), Duration.ofNanos(blockNanos));
    }
  }
}
