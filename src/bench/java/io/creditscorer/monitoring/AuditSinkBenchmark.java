package io.creditscorer.monitoring;

import io.creditscorer.journal.RotatingFile;
import io.creditscorer.spi.AuditRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The audit writer's work per decision, in the blocks its thread writes (64 decisions a block,
 * about what 5 ms of a saturated core decides): the JSON lines alone, and the JSON lines into a
 * size-rotated file as the service writes them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuditSinkBenchmark {

  static final int BLOCK = 64;

  private final AuditRecord[] records = new AuditRecord[1024];
  private int next;
  private Path dir;
  private RotatingFile file;
  private LogAuditSink discarding;
  private LogAuditSink toFile;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    for (int i = 0; i < records.length; i++) {
      records[i] =
          new AuditRecord(
              UUID.randomUUID().toString(),
              "bench-caller",
              "A" + i,
              "credit-risk",
              "2",
              "aaad4507e7076d15ba95e2889e091c02095c345249b2a2b76bb0fcdf04a5ead4",
              "cost-5to1-v1",
              null,
              "d84fda091333b6db294f7e8a7fd45345576583b6ff5748d83620cb2f9c4a4353",
              "1",
              Math.random(),
              400 + i % 300,
              "approve",
              List.of("R01", "R05", "R07", "R11"));
    }
    dir = Files.createTempDirectory("audit-bench");
    file = RotatingFile.open(dir.resolve("decisions.log"), 100L << 20, 2, "the audit log");
    Duration never = Duration.ofDays(1);
    discarding = new LogAuditSink(Clock.systemUTC(), block -> {}, null, 4096, never, never);
    toFile = new LogAuditSink(Clock.systemUTC(), file::write, file, 4096, never, never);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    discarding.close();
    toFile.close();
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  private void queue(LogAuditSink sink) {
    for (int i = 0; i < BLOCK; i++) {
      sink.record(records[next++ & (records.length - 1)]);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public void jsonOnly() {
    queue(discarding);
    discarding.writeQueued();
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK)
  public void jsonToFile() {
    queue(toFile);
    toFile.writeQueued();
  }
}
