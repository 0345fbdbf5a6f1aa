package io.creditscorer.monitoring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.creditscorer.error.ScoringException;
import io.creditscorer.scoring.AuditRecord;
import io.creditscorer.scoring.AuditSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Writes one JSON line per decision to the {@value #CATEGORY} log category, which the configuration
 * routes to its own file (see {@code quarkus.log.handler.file.audit}) and nowhere else. The record
 * carries hashes and identifiers, never raw applicant fields.
 *
 * <p>Group commit: {@link #record} stamps the decision's time and queues it (a bounded queue); one
 * background thread takes everything queued every {@code interval} and writes it as a single log
 * event, so the file gets one write and flush per interval instead of one per decision, and a slow
 * write (a rotation, a busy disk) holds up this thread, not requests. {@link #close} writes what is
 * still queued. When the queue is full, {@code record} waits up to {@code maxWait} for room and
 * then fails the request with UNAVAILABLE rather than issue a decision it cannot record.
 * Thread-safe.
 */
public final class LogAuditSink implements AuditSink, AutoCloseable {

  public static final String CATEGORY = "io.creditscorer.audit";

  private static final Logger LOG = Logger.getLogger(CATEGORY);
  private static final JsonFactory JSON = new JsonFactory();

  private record Stamped(Instant at, AuditRecord record) {}

  private final Clock clock;
  private final Consumer<String> out;
  private final Duration maxWait;
  private final BlockingQueue<Stamped> pending;
  private final Thread writer;
  private volatile boolean closing;

  /** Writes to the {@value #CATEGORY} log category. */
  public static LogAuditSink start(
      Clock clock, int capacity, Duration interval, Duration maxWait, MeterRegistry registry) {
    LogAuditSink sink = new LogAuditSink(clock, LOG::info, capacity, interval, maxWait);
    Gauge.builder("scorer.audit.pending", sink.pending, BlockingQueue::size)
        .description("Audit records queued for the audit writer")
        .register(registry);
    return sink;
  }

  /**
   * @param out takes a block of complete lines (without the last line's newline)
   */
  LogAuditSink(
      Clock clock, Consumer<String> out, int capacity, Duration interval, Duration maxWait) {
    this.clock = clock;
    this.out = out;
    this.maxWait = maxWait;
    this.pending = new ArrayBlockingQueue<>(capacity);
    long pause = interval.toNanos();
    this.writer =
        new Thread(
            () -> {
              while (!closing) {
                LockSupport.parkNanos(pause);
                try {
                  writeQueued();
                } catch (RuntimeException e) { // never lose the writer: the next block may succeed
                  LOG.errorf("audit writer: %s", e);
                }
              }
            },
            "audit-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void record(AuditRecord record) {
    Stamped s = new Stamped(clock.instant(), record);
    if (pending.offer(s)) {
      if (closing) {
        writeQueued(); // the writer has stopped: a late decision is written in place
      }
      return;
    }
    try {
      if (pending.offer(s, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw ScoringException.unavailable(
        "the audit log is not being written (queue full); the decision was not issued", null);
  }

  /** Writes everything queued as one block (the background thread's work). */
  void writeQueued() {
    List<Stamped> batch = new ArrayList<>();
    pending.drainTo(batch);
    if (batch.isEmpty()) {
      return;
    }
    StringWriter text = new StringWriter(batch.size() * 400);
    try (JsonGenerator g = JSON.createGenerator(text)) {
      for (int i = 0; i < batch.size(); i++) {
        if (i > 0) {
          g.writeRaw('\n');
        }
        write(g, batch.get(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    try {
      out.accept(text.toString());
    } catch (RuntimeException e) {
      LOG.errorf("%d audit record(s) could not be written: %s", batch.size(), e.getMessage());
    }
  }

  private static void write(JsonGenerator g, Stamped s) throws IOException {
    AuditRecord r = s.record();
    g.writeStartObject();
    g.writeStringField("timestamp", s.at().toString());
    g.writeStringField("request_id", r.requestId());
    g.writeStringField("applicant_id", r.applicantId());
    g.writeStringField("model_name", r.modelName());
    g.writeStringField("model_version", r.modelVersion());
    g.writeStringField("model_sha256", r.modelSha256());
    g.writeStringField("policy_version", r.policyVersion());
    g.writeStringField("policy_rule", r.policyRule());
    g.writeStringField("input_sha256", r.inputSha256());
    g.writeNumberField("probability_of_default", r.probabilityOfDefault());
    g.writeNumberField("score", r.score());
    g.writeStringField("decision", r.decision());
    g.writeArrayFieldStart("reason_codes");
    for (String code : r.reasonCodes()) {
      g.writeString(code);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Stops the writer after it has written everything queued. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeQueued();
  }
}
