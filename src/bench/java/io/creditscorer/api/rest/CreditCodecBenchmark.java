package io.creditscorer.api.rest;

import io.creditscorer.scoring.CreditRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The credit door reading a request: straight into the engine's applicant maps, against building
 * Jackson's tree of it (what the door did before, less the copy into maps that followed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CreditCodecBenchmark {

  /** The request bodies of loadtest/bodies: 1 applicant or 64. */
  @Param({"credit-score", "credit-64"})
  public String body;

  private byte[] request;

  @Setup
  public void setUp() throws Exception {
    request = Files.readAllBytes(Path.of("loadtest/bodies/" + body + ".json"));
  }

  @Benchmark
  public CreditRequest decodeStreaming() {
    return CreditCodec.decode(request, 1 << 20, null, Duration.ofSeconds(1), null, null);
  }

  @Benchmark
  public Object decodeTree() {
    return JsonBodies.parseObject(request, 1 << 20);
  }
}
