package io.creditscorer.base;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A step run on a daemon thread of its own every {@code period} (measured from the end of one run
 * to the start of the next). The loop outlives its step: whatever a run throws, errors such as
 * {@link OutOfMemoryError} included, is counted and logged (the first failure at once, then at most
 * once a minute with the count since) and the next run goes ahead. Thread-safe.
 */
public final class BackgroundLoop implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(BackgroundLoop.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String name;
  private final Runnable step;
  private final Ticker ticker;
  private final ScheduledExecutorService thread;
  private final AtomicLong failures = new AtomicLong();
  private long lastLogged;
  private long unlogged;
  private volatile Throwable lastFailure;

  private BackgroundLoop(String name, Runnable step, Ticker ticker) {
    this.name = name;
    this.step = step;
    this.ticker = ticker;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts running {@code step} every {@code period} on a thread named {@code name}. */
  public static BackgroundLoop start(String name, Duration period, Runnable step) {
    return start(name, period, step, Ticker.system());
  }

  /** As {@link #start(String, Duration, Runnable)}, with the ticker that paces its log lines. */
  public static BackgroundLoop start(String name, Duration period, Runnable step, Ticker ticker) {
    BackgroundLoop loop = new BackgroundLoop(name, step, ticker);
    long nanos = Math.max(1, period.toNanos());
    loop.thread.scheduleWithFixedDelay(loop::runOnce, nanos, nanos, TimeUnit.NANOSECONDS);
    return loop;
  }

  private void runOnce() {
    try {
      step.run();
    } catch (Throwable e) { // never lose the thread: the next run may succeed
      failures.incrementAndGet();
      lastFailure = e;
      report(e);
    }
  }

  private void report(Throwable e) {
    long now = ticker.read();
    if (lastLogged != 0 && now - lastLogged < LOG_EVERY_NANOS) {
      unlogged++;
      return;
    }
    LOG.errorf(e, "%s failed (%d more failures since the last report): %s", name, unlogged, e);
    lastLogged = now == 0 ? 1 : now;
    unlogged = 0;
  }

  /** Runs that threw since the loop started. */
  public long failures() {
    return failures.get();
  }

  /** What the latest failing run threw, or {@code null}. */
  public Throwable lastFailure() {
    return lastFailure;
  }

  /**
   * Stops the loop: no new run starts; a run in progress gets up to {@code wait} to finish.
   *
   * @return whether the thread had stopped within the wait
   */
  public boolean stop(Duration wait) {
    thread.shutdown();
    try {
      return thread.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@link #stop} with five seconds' wait. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
