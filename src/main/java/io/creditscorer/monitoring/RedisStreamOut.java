package io.creditscorer.monitoring;

import io.creditscorer.base.RedisUrls;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The audit trail as a Redis Stream shared by every replica: each line of a block becomes one entry
 * ({@code XADD <stream> * record <line>}), the block's entries sent in one pipeline. Entries are in
 * arrival order across replicas (the stream's ids), and in decision order within one replica. Not
 * trimmed unless {@code maxLength} is set ({@code MAXLEN ~}). A block whose pipeline fails is sent
 * again whole, so an entry may arrive twice: its {@code record_id} tells.
 */
public final class RedisStreamOut implements LogAuditSink.Out, AutoCloseable {

  private final Redis client;
  private final String url;
  private final String stream;
  private final OptionalLong maxLength;
  private final Duration timeout;

  public RedisStreamOut(
      Vertx vertx, String url, String stream, OptionalLong maxLength, Duration timeout) {
    this.client = Redis.createClient(vertx, RedisUrls.options(url));
    this.url = url;
    this.stream = stream;
    this.maxLength = maxLength;
    this.timeout = timeout;
  }

  @Override
  public void write(ByteBuffer block) throws IOException {
    byte[] bytes = block.array();
    int end = block.arrayOffset() + block.limit();
    List<Request> adds = new ArrayList<>();
    for (int start = block.arrayOffset() + block.position(), nl; start < end; start = nl + 1) {
      nl = start;
      while (bytes[nl] != '\n') {
        nl++;
      }
      Request add = Request.cmd(Command.XADD).arg(stream);
      if (maxLength.isPresent()) {
        add.arg("MAXLEN").arg("~").arg(maxLength.getAsLong());
      }
      adds.add(
          add.arg("*")
              .arg("record")
              .arg(new String(bytes, start, nl - start, StandardCharsets.UTF_8)));
    }
    try {
      client
          .batch(adds)
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "audit stream " + stream + " at " + RedisUrls.redacted(url) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the audit stream", e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
