package io.creditscorer.load;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.InferTensorContents;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import io.creditscorer.load.LoadSettings.Phase;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-model gRPC load: requests are sent at the arrival rate of a {@link LoadSettings} shape,
 * whether or not earlier answers have come back (asynchronous stubs, one HTTP/2 connection per
 * channel), so a slow server meets a growing queue rather than a politely waiting client. Every
 * request carries a different German Credit applicant ({@link GermanCreditApplicants#feedOrder}).
 *
 * <p>Latency is measured from the moment a request is handed to gRPC to its last byte, in
 * microseconds, into HdrHistogram; how late the sender was against its schedule is measured
 * separately ("schedule lag"), so a load generator that cannot keep up is visible rather than
 * hidden in the service's numbers. Prints a line every 10 s, then p50/p90/p99/p99.9/max and errors
 * by status code, writes {@code summary.txt}, {@code latency.hgrm} and {@code index.html} to a new
 * directory under {@code results.dir}, and exits 1 if an assertion (p99, error ratio) fails.
 *
 * <p>Beyond {@link LoadSettings}: {@code grpc.method} ({@code infer}: {@code
 * inference.GRPCInferenceService/ModelInfer}, the default; {@code score}: {@code
 * creditscorer.v1.CreditScoring/Score}), {@code grpc.channels} (1), {@code timeout} (deadline per
 * call, 10s), {@code max.inflight} (10000: beyond it a request is not sent and counts as the error
 * {@code CLIENT_LIMIT}), {@code client.warmup} (0: that long at {@code rps} first, not measured, so
 * neither JVM's JIT warm-up lands in the numbers), {@code results.dir} ({@code target/gatling}).
 */
public final class GrpcLoadClient {

  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(2);
  private static final String MODEL = "credit-risk";

  private final LoadSettings settings;
  private final String method;
  private final Duration timeout;
  private final Duration warmup;
  private final int maxInFlight;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Request> requests = new ArrayList<>();
  private final Recorder latency = new Recorder(HIGHEST_MICROS, 3);
  private final Histogram lag = new Histogram(HIGHEST_MICROS, 3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder ok = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  // Sender thread only; never reset, so the row order runs on across the warm-up.
  private long nextRow;

  /** One prepared call: sends itself and reports success or a status code name. */
  private interface Request {
    void send(ManagedChannel channel, Outcome outcome);
  }

  private interface Outcome {
    void done(String errorCode);
  }

  GrpcLoadClient(
      LoadSettings settings,
      String method,
      Duration timeout,
      Duration warmup,
      int maxInFlight,
      int channelCount,
      GermanCreditApplicants data) {
    this.settings = settings;
    this.method = method;
    this.timeout = timeout;
    this.warmup = warmup;
    this.maxInFlight = maxInFlight;
    for (int i = 0; i < channelCount; i++) {
      channels.add(
          Grpc.newChannelBuilderForAddress(
                  settings.host(), settings.grpcPort(), InsecureChannelCredentials.create())
              .directExecutor()
              .build());
    }
    for (int row : GermanCreditApplicants.feedOrder(data.size(), 42)) {
      GermanCreditApplicants.Applicant a = data.all().get(row);
      requests.add(
          switch (method) {
            case "infer" -> inferRequest(a, settings.modelVersion());
            case "score" -> scoreRequest(a);
            default ->
                throw new IllegalArgumentException(
                    "grpc.method: '" + method + "' is not one of infer, score");
          });
    }
  }

  public static void main(String[] args) throws Exception {
    LoadSettings settings = LoadSettings.fromSystemProperties();
    GrpcLoadClient client =
        new GrpcLoadClient(
            settings,
            System.getProperty("grpc.method", "infer"),
            LoadSettings.duration(System.getProperties(), "timeout", "10s"),
            LoadSettings.duration(System.getProperties(), "client.warmup", "0"),
            Integer.getInteger("max.inflight", 10_000),
            Integer.getInteger("grpc.channels", 1),
            GermanCreditApplicants.load(Path.of(settings.projectDir()), settings.modelVersion()));
    boolean passed =
        client.run(Path.of(System.getProperty("results.dir", "target/gatling")), System.out);
    System.exit(passed ? 0 : 1);
  }

  /** Runs the shape, prints and writes the report; returns whether every assertion held. */
  boolean run(Path resultsDir, PrintStream out) throws InterruptedException {
    String name = "grpc-" + method;
    out.printf(
        "%s: %s, gRPC %s:%d%n", name, settings.describe(), settings.host(), settings.grpcPort());
    List<Phase> warm = new ArrayList<>(settings.phases().stream().filter(Phase::warmup).toList());
    if (!warmup.isZero()) {
      warm.add(new Phase(settings.rps(), settings.rps(), warmup, true));
    }
    if (!warm.isEmpty()) {
      out.printf(
          "  warming up for %ds (not measured) ...%n",
          warm.stream().mapToLong(phase -> phase.duration().toSeconds()).sum());
      drive(warm);
      drain();
      latency.reset();
      lag.reset();
      ok.reset();
      sent.reset();
      errors.clear();
    }
    Histogram total = new Histogram(HIGHEST_MICROS, 3);
    ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
    long start = System.nanoTime();
    long[] lastOk = {0};
    progress.scheduleAtFixedRate(
        () -> {
          Histogram interval = latency.getIntervalHistogram();
          synchronized (total) {
            total.add(interval);
          }
          long okNow = ok.sum();
          out.printf(
              Locale.ROOT,
              "  %4ds  ok %8d (+%6d)  errors %6d  in flight %5d  p50 %7.2f ms  p99 %7.2f ms%n",
              TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
              okNow,
              okNow - lastOk[0],
              errorCount(),
              inFlight.get(),
              interval.getValueAtPercentile(50) / 1000.0,
              interval.getValueAtPercentile(99) / 1000.0);
          lastOk[0] = okNow;
        },
        10,
        10,
        TimeUnit.SECONDS);

    drive(settings.measuredPhases());
    long sendEnd = System.nanoTime();
    drain();
    long end = System.nanoTime();
    progress.shutdown();
    progress.awaitTermination(5, TimeUnit.SECONDS);
    channels.forEach(ManagedChannel::shutdownNow);
    synchronized (total) {
      total.add(latency.getIntervalHistogram());
    }
    if (inFlight.get() > 0) {
      errors.computeIfAbsent("NO_ANSWER", k -> new LongAdder()).add(inFlight.get());
    }
    return report(name, total, (sendEnd - start) / 1e9, (end - start) / 1e9, resultsDir, out);
  }

  /** Sends at the phases' arrival rate, each request when it is due, never waiting for answers. */
  private void drive(List<Phase> phases) {
    long next = System.nanoTime();
    long phaseStart = next;
    for (Phase phase : phases) {
      long phaseEnd = phaseStart + phase.duration().toNanos();
      while (next < phaseEnd) {
        long now = System.nanoTime();
        if (now < next) {
          LockSupport.parkNanos(next - now);
          continue;
        }
        lag.recordValue(Math.min((now - next) / 1000, HIGHEST_MICROS));
        send(
            requests.get((int) (nextRow % requests.size())),
            channels.get((int) (nextRow % channels.size())));
        nextRow++;
        double rate = phase.rateAt(Duration.ofNanos(next - phaseStart));
        next += (long) (1e9 / Math.max(rate, 0.1));
      }
      phaseStart = phaseEnd;
    }
  }

  /** Waits for the answers still outstanding, at most one call deadline (plus a second). */
  private void drain() throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private void send(Request request, ManagedChannel channel) {
    sent.increment();
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      errors.computeIfAbsent("CLIENT_LIMIT", k -> new LongAdder()).increment();
      return;
    }
    long t0 = System.nanoTime();
    request.send(
        channel,
        errorCode -> {
          latency.recordValue(Math.min((System.nanoTime() - t0) / 1000, HIGHEST_MICROS));
          inFlight.decrementAndGet();
          if (errorCode == null) {
            ok.increment();
          } else {
            errors.computeIfAbsent(errorCode, k -> new LongAdder()).increment();
          }
        });
  }

  private long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private boolean report(
      String name,
      Histogram total,
      double sendSeconds,
      double wallSeconds,
      Path resultsDir,
      PrintStream out) {
    long requests = sent.sum();
    long failed = errorCount();
    double errorPct = requests == 0 ? 100 : 100.0 * failed / requests;
    double p99Ms = total.getValueAtPercentile(99) / 1000.0;
    boolean p99Ok = p99Ms <= settings.p99Millis();
    boolean errorsOk = errorPct <= settings.maxErrorPercent();
    Map<String, Long> byCode = new TreeMap<>();
    errors.forEach((code, n) -> byCode.put(code, n.sum()));

    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "run:            %s%n", settings.describe()));
    s.append(String.format(Locale.ROOT, "method:         %s%n", rpcName()));
    s.append(
        String.format(
            Locale.ROOT,
            "requests:       %d sent, %d ok, %d failed (%.3f %%) %s%n",
            requests,
            ok.sum(),
            failed,
            errorPct,
            byCode));
    s.append(
        String.format(
            Locale.ROOT,
            "rate:           %.1f req/s offered, %.1f ok/s over %.1f s%n",
            requests / sendSeconds,
            ok.sum() / wallSeconds,
            wallSeconds));
    s.append(
        String.format(
            Locale.ROOT,
            "latency ms:     p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%d answers)%n",
            total.getValueAtPercentile(50) / 1000.0,
            total.getValueAtPercentile(90) / 1000.0,
            p99Ms,
            total.getValueAtPercentile(99.9) / 1000.0,
            total.getMaxValue() / 1000.0,
            total.getTotalCount()));
    s.append(
        String.format(
            Locale.ROOT,
            "schedule lag:   p99 %.3f ms, max %.3f ms (how late the sender was)%n",
            lag.getValueAtPercentile(99) / 1000.0,
            lag.getMaxValue() / 1000.0));
    s.append(
        String.format(
            Locale.ROOT,
            "assert p99 <= %d ms: %s; assert errors <= %.2f %%: %s%n",
            settings.p99Millis(),
            p99Ok ? "passed" : "FAILED",
            settings.maxErrorPercent(),
            errorsOk ? "passed" : "FAILED"));
    out.print(s);
    try {
      Path dir =
          Files.createDirectories(
              resultsDir.resolve(
                  name
                      + "-"
                      + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))));
      Files.writeString(dir.resolve("summary.txt"), s);
      try (PrintStream hgrm = new PrintStream(dir.resolve("latency.hgrm").toFile(), "UTF-8")) {
        total.outputPercentileDistribution(hgrm, 1000.0);
      }
      Files.writeString(dir.resolve("index.html"), html(name, s.toString(), total));
      out.println("Report: " + dir.resolve("index.html").toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p99Ok && errorsOk;
  }

  private String rpcName() {
    return method.equals("infer")
        ? "inference.GRPCInferenceService/ModelInfer"
        : "creditscorer.v1.CreditScoring/Score";
  }

  private static String html(String name, String summary, Histogram total) {
    StringBuilder rows = new StringBuilder();
    for (double p : new double[] {50, 75, 90, 95, 99, 99.9, 99.99, 100}) {
      rows.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%.3f</td></tr>%n",
              p == 100 ? "max" : "p" + p,
              total.getValueAtPercentile(p) / 1000.0));
    }
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
        + name
        + "</title></head><body>\n<h1>"
        + name
        + "</h1>\n<pre>"
        + summary.replace("&", "&amp;").replace("<", "&lt;")
        + "</pre>\n<table border=\"1\"><tr><th>percentile</th><th>latency ms</th></tr>\n"
        + rows
        + "</table>\n<p>Full distribution: <a href=\"latency.hgrm\">latency.hgrm</a>"
        + " (HdrHistogram percentile output, milliseconds).</p>\n</body></html>\n";
  }

  private Request inferRequest(GermanCreditApplicants.Applicant a, String version) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float f : a.features()) {
      contents.addFp32Contents(f);
    }
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName(MODEL)
            .setModelVersion(version)
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("features")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(a.features().length)
                    .setContents(contents))
            .build();
    return (channel, outcome) ->
        GRPCInferenceServiceGrpc.newStub(channel)
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .modelInfer(request, observer(outcome, r -> r.getOutputsCount() > 0));
  }

  private Request scoreRequest(GermanCreditApplicants.Applicant a) {
    Struct.Builder applicant = Struct.newBuilder();
    a.fields().forEach((k, v) -> applicant.putFields(k, value(v)));
    ScoreRequest request = ScoreRequest.newBuilder().addApplicants(applicant).build();
    return (channel, outcome) ->
        CreditScoringGrpc.newStub(channel)
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .score(request, observer(outcome, r -> r.getResultsCount() == 1));
  }

  private static Value value(Object v) {
    if (v instanceof Number n) {
      return Value.newBuilder().setNumberValue(n.doubleValue()).build();
    }
    if (v instanceof List<?> list) {
      ListValue.Builder l = ListValue.newBuilder();
      list.forEach(e -> l.addValues(value(e)));
      return Value.newBuilder().setListValue(l).build();
    }
    return Value.newBuilder().setStringValue(String.valueOf(v)).build();
  }

  /** Reports once: OK with a well-formed answer, BAD_ANSWER, or the status code name. */
  private static <T> StreamObserver<T> observer(Outcome outcome, Predicate<T> wellFormed) {
    return new StreamObserver<>() {
      private boolean good;

      @Override
      public void onNext(T value) {
        good = wellFormed.test(value);
      }

      @Override
      public void onError(Throwable t) {
        outcome.done(Status.fromThrowable(t).getCode().name());
      }

      @Override
      public void onCompleted() {
        outcome.done(good ? null : "BAD_ANSWER");
      }
    };
  }
}
