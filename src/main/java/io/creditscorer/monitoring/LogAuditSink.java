package io.creditscorer.monitoring;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.creditscorer.base.BackgroundLoop;
import io.creditscorer.error.ScoringException;
import io.creditscorer.journal.JsonLines;
import io.creditscorer.spi.AuditRecord;
import io.creditscorer.spi.AuditSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes one JSON line per decision to the audit trail: a size-rotated file of its own ({@code
 * scorer.audit.path}), a Redis Stream ({@link RedisStreamOut}) or standard output ({@link
 * #standardOutput}). The record carries hashes and identifiers, never raw applicant fields. Each
 * line says {@code "type":"audit"}, so it is told apart from log lines on a shared output, and has
 * a {@code record_id} unique across replicas and restarts (a random id of the writer, then a
 * counter): a block written again after a failure repeats its ids, so a reader can drop the repeats
 * of at-least-once delivery. Records are in the order they were queued, per replica.
 *
 * <p>Group commit: {@link #record} stamps the decision's time and queues it (a bounded queue); one
 * background thread takes everything queued every {@code interval} and appends it as one block of
 * UTF-8 lines, so the file gets one write per interval instead of one per decision, and a slow
 * write (a rotation, a busy disk) holds up this thread, not requests. A block that cannot be
 * written is kept and written again at the next interval, and nothing more is taken off the queue
 * until it is; so a disk that keeps failing fills the queue, and then {@link #record} waits up to
 * {@code maxWait} for room and fails the request with UNAVAILABLE rather than issue a decision it
 * cannot record. {@link #close} writes what is still queued. Thread-safe.
 */
public final class LogAuditSink implements AuditSink, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LogAuditSink.class);

  /** Blocks kept in memory above this size are let go once written. */
  private static final int KEPT_BLOCK_BYTES = 1 << 20;

  private static final SerializableString TYPE = JsonLines.name("type");
  private static final SerializableString RECORD_ID = JsonLines.name("record_id");
  private static final SerializableString TIMESTAMP = JsonLines.name("timestamp");
  private static final SerializableString REQUEST_ID = JsonLines.name("request_id");
  private static final SerializableString CALLER = JsonLines.name("caller");
  private static final SerializableString APPLICANT_ID = JsonLines.name("applicant_id");
  private static final SerializableString MODEL_NAME = JsonLines.name("model_name");
  private static final SerializableString MODEL_VERSION = JsonLines.name("model_version");
  private static final SerializableString MODEL_SHA256 = JsonLines.name("model_sha256");
  private static final SerializableString POLICY_VERSION = JsonLines.name("policy_version");
  private static final SerializableString POLICY_RULE = JsonLines.name("policy_rule");
  private static final SerializableString INPUT_HMAC = JsonLines.name("input_hmac");
  private static final SerializableString HMAC_KEY_ID = JsonLines.name("hmac_key_id");
  private static final SerializableString PD = JsonLines.name("probability_of_default");
  private static final SerializableString SCORE = JsonLines.name("score");
  private static final SerializableString DECISION = JsonLines.name("decision");
  private static final SerializableString REASON_CODES = JsonLines.name("reason_codes");

  /** Where a block of complete lines goes. */
  @FunctionalInterface
  public interface Out {
    /** Writes every line of the block, or throws (and the whole block is written again later). */
    void write(ByteBuffer block) throws IOException;
  }

  /**
   * Standard output, shared with the log: a block is written under the stream's lock, so no log
   * line lands inside a record.
   */
  public static Out standardOutput() {
    PrintStream out = System.out;
    return block -> {
      synchronized (out) {
        out.write(block.array(), block.arrayOffset() + block.position(), block.remaining());
        out.flush();
        if (out.checkError()) {
          throw new IOException("standard output cannot be written");
        }
      }
    };
  }

  private record Stamped(Instant at, AuditRecord record) {}

  /** A growable block of bytes, written out without a copy. */
  private static final class Block extends ByteArrayOutputStream {
    Block() {
      super(64 * 1024);
    }

    ByteBuffer bytes() {
      return ByteBuffer.wrap(buf, 0, count);
    }

    void clear() {
      count = 0;
      if (buf.length > KEPT_BLOCK_BYTES) {
        buf = new byte[64 * 1024];
      }
    }
  }

  private final Clock clock;
  private final Out out;
  private final AutoCloseable file;
  private final Duration maxWait;
  private final BlockingQueue<Stamped> pending;
  private final BackgroundLoop writer;
  private final List<Stamped> batch = new ArrayList<>();
  private final Block block = new Block();
  private final JsonGenerator json;
  private final JsonLines lines = new JsonLines();
  private final String writerId = String.format("%016x", new SecureRandom().nextLong());
  private long written;
  private volatile boolean closing;
  private boolean failing;

  /** Writes to {@code out}; closes {@code closeable} ({@code null}: nothing) when it is closed. */
  public static LogAuditSink start(
      Clock clock,
      Out out,
      AutoCloseable closeable,
      int capacity,
      Duration interval,
      Duration maxWait,
      MeterRegistry registry) {
    LogAuditSink sink = new LogAuditSink(clock, out, closeable, capacity, interval, maxWait);
    Gauge.builder("scorer.audit.pending", sink.pending, BlockingQueue::size)
        .description("Audit records queued for the audit writer")
        .register(registry);
    return sink;
  }

  /**
   * @param out takes a block of complete lines, each ended by a newline
   * @param file closed after the last block ({@code null}: nothing to close)
   */
  LogAuditSink(
      Clock clock, Out out, AutoCloseable file, int capacity, Duration interval, Duration maxWait) {
    this.clock = clock;
    this.out = out;
    this.file = file;
    this.maxWait = maxWait;
    this.pending = new ArrayBlockingQueue<>(capacity);
    try {
      this.json = JsonLines.FACTORY.createGenerator(block);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    this.writer = BackgroundLoop.start("audit-writer", interval, this::writeQueued);
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

  /**
   * Writes everything queued as one block (the background thread's work); first, a block that could
   * not be written before.
   */
  synchronized void writeQueued() {
    if (block.size() == 0) {
      pending.drainTo(batch);
      if (batch.isEmpty()) {
        return;
      }
      try {
        for (Stamped s : batch) {
          write(s);
        }
        json.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a byte array does not fail
      } finally {
        batch.clear();
      }
    }
    try {
      out.write(block.bytes());
    } catch (IOException | RuntimeException e) {
      if (!failing) {
        LOG.errorf(
            "the audit log cannot be written (%s); its writer retries every interval, and requests"
                + " fail (503) once its queue is full",
            e);
      }
      failing = true;
      return;
    }
    if (failing) {
      LOG.info("the audit log is being written again; nothing was lost");
      failing = false;
    }
    block.clear();
  }

  private void write(Stamped s) throws IOException {
    AuditRecord r = s.record();
    JsonGenerator g = json;
    g.writeStartObject();
    g.writeFieldName(TYPE);
    g.writeString("audit");
    g.writeFieldName(RECORD_ID);
    g.writeString(writerId + "-" + ++written);
    lines.writeInstant(g, TIMESTAMP, s.at());
    g.writeFieldName(REQUEST_ID);
    g.writeString(r.requestId());
    g.writeFieldName(CALLER);
    g.writeString(r.caller()); // null while authentication is off
    g.writeFieldName(APPLICANT_ID);
    g.writeString(r.applicantId());
    g.writeFieldName(MODEL_NAME);
    g.writeString(r.modelName());
    g.writeFieldName(MODEL_VERSION);
    g.writeString(r.modelVersion());
    g.writeFieldName(MODEL_SHA256);
    g.writeString(r.modelSha256());
    g.writeFieldName(POLICY_VERSION);
    g.writeString(r.policyVersion());
    g.writeFieldName(POLICY_RULE);
    g.writeString(r.policyRule());
    g.writeFieldName(INPUT_HMAC);
    g.writeString(r.inputHmac());
    g.writeFieldName(HMAC_KEY_ID);
    g.writeString(r.hmacKeyId());
    g.writeFieldName(PD);
    g.writeNumber(r.probabilityOfDefault());
    g.writeFieldName(SCORE);
    g.writeNumber(r.score());
    g.writeFieldName(DECISION);
    g.writeString(r.decision());
    g.writeFieldName(REASON_CODES);
    g.writeStartArray();
    for (String code : r.reasonCodes()) {
      g.writeString(code);
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeRaw('\n');
  }

  /** Stops the writer after it has written everything queued, and closes the file. */
  @Override
  public void close() {
    closing = true;
    writer.close();
    writeQueued();
    if (block.size() > 0) {
      LOG.errorf("audit log: %d bytes of decisions could not be written at shutdown", block.size());
    }
    if (file != null) {
      try {
        file.close();
      } catch (Exception e) {
        LOG.errorf("audit log could not be closed cleanly: %s", e);
      }
    }
  }
}
