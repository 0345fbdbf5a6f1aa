package io.creditscorer.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.PackagedService;
import io.creditscorer.api.grpc.credit.CreditScoringGrpc;
import io.creditscorer.api.grpc.credit.ScoreRequest;
import io.creditscorer.api.grpc.v2.GRPCInferenceServiceGrpc;
import io.creditscorer.api.grpc.v2.InferTensorContents;
import io.creditscorer.api.grpc.v2.ModelInferRequest;
import io.creditscorer.api.grpc.v2.ModelInferRequest.InferInputTensor;
import io.creditscorer.api.grpc.v2.ModelMetadataRequest;
import io.creditscorer.api.rest.CreditApiTest;
import io.creditscorer.security.Roles;
import io.creditscorer.security.TestKeys;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run of the JDK 25 AOT cache (JEP 483, 514): the packaged service started from its
 * own folder with {@code -XX:AOTCacheOutput}, driven through what it serves in production — credit
 * scores by REST and gRPC with applicants given and looked up in the feature store, V2 inference by
 * REST (JSON) and gRPC, model metadata, health probes and metric scrapes — then stopped with
 * SIGTERM, when the JVM writes the cache. The cache is then checked by a start with {@code
 * -XX:AOTMode=on}, which refuses to start on a cache it cannot use.
 *
 * <p>The training runs with authentication on, as every deployment does ({@code
 * scorer.auth.enabled}), its calls carrying a bearer token of a key made for the run: so the
 * security stack's classes are in the cache too.
 *
 * <p>Run by {@code mvn -Paot package -DskipTests} with {@code JAVA_HOME} at a JDK 25 (the Java that
 * runs Maven is the one trained: a cache fits only the JVM build that made it), and in the image's
 * runtime stage by the Dockerfile.
 *
 * <p>Arguments: the application folder ({@code target/quarkus-app}), the cache's file name in it
 * ({@code app.aot}), then options for the service's JVM (the ones it will run with, and where the
 * model repository and feature snapshot are). {@code -Daot.training.seconds} (default 20) sets the
 * length of the workload.
 */
public final class AotTraining {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ISSUER = "aot-training";
  static final String AUDIENCE = "credit-scorer";

  private AotTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: AotTraining APP_DIR CACHE_FILE [JVM option ...]");
      System.exit(2);
    }
    // The token builder logs through JBoss Logging: its log manager from the start, as in Quarkus.
    System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
    Path app = Path.of(args[0]).toAbsolutePath();
    String cache = args[1];
    List<String> options = Arrays.asList(args).subList(2, args.length);
    Duration length = Duration.ofSeconds(Long.getLong("aot.training.seconds", 20));
    Path state = Files.createTempDirectory("aot-training");
    Files.deleteIfExists(app.resolve(cache));

    KeyPair signer = TestKeys.rsa();
    Path publicKey = Files.writeString(state.resolve("token-key.pem"), TestKeys.publicPem(signer));
    String token =
        Jwt.issuer(ISSUER)
            .audience(AUDIENCE)
            .subject("aot-training")
            .groups(Roles.SCORER)
            .expiresAt(Instant.now().plus(length).plus(Duration.ofMinutes(10)))
            .sign(signer.getPrivate());

    List<String> record = new ArrayList<>(options);
    record.add("-XX:AOTCacheOutput=" + cache);
    record.addAll(
        List.of(
            "-Dscorer.auth.enabled=true",
            "-Dmp.jwt.verify.publickey.location=" + publicKey,
            "-Dmp.jwt.verify.issuer=" + ISSUER,
            "-Dmp.jwt.verify.audiences=" + AUDIENCE));
    // Classes loaded and linked, without the training's method profiles (JEP 515): replayed at
    // start, they made this service warm up more slowly under a credit load, not faster
    // (docs/BENCHMARKS.md, "Start-up and footprint").
    record.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining"));
    Service trained = new Service(app, state, record).start();
    int calls;
    try {
      calls = workload(trained, token, length);
    } catch (Exception e) {
      trained.kill();
      throw e;
    }
    int exit = trained.stop();
    if (!stopped(exit) || !Files.isRegularFile(app.resolve(cache))) {
      throw new IllegalStateException(
          "the training run exited with " + exit + " and no cache; see " + trained.log);
    }
    System.out.printf(
        "AOT cache %s: %d MB after %d calls%n",
        app.resolve(cache), Files.size(app.resolve(cache)) >> 20, calls);

    List<String> use = new ArrayList<>(options);
    use.addAll(List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"));
    Service check = new Service(app, state, use).start();
    if (!stopped(check.stop())) {
      throw new IllegalStateException("the service did not stop cleanly; see " + check.log);
    }
    System.out.println("the cache is accepted (-XX:AOTMode=on)");
    try (Stream<Path> files = Files.walk(state)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** A clean stop: Quarkus' shutdown ran (0), or the JVM's own on SIGTERM (128 + 15). */
  static boolean stopped(int exit) {
    return exit == 0 || exit == 143;
  }

  /** Two callers, each cycling through every kind of call for {@code length} with {@code token}. */
  static int workload(Service service, String token, Duration length) throws Exception {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", service.grpc).usePlaintext().build();
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      long until = System.nanoTime() + length.toNanos();
      List<Future<Integer>> done = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int caller = i;
        done.add(
            callers.submit(
                () -> {
                  Calls calls = new Calls(service, channel, token);
                  int n = 0;
                  while (System.nanoTime() < until) {
                    n += calls.round(caller + "-" + n);
                  }
                  return n;
                }));
      }
      int total = 0;
      for (Future<Integer> f : done) {
        total += f.get();
      }
      return total;
    } finally {
      callers.shutdownNow();
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** One caller's calls, each checked for success: a training run on errors would cache those. */
  static final class Calls {

    private final Service service;
    private final String authorization;
    private final HttpClient http = HttpClient.newHttpClient();
    private final CreditScoringGrpc.CreditScoringBlockingStub credit;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub v2;
    private final String v2Json;
    private final ModelInferRequest v2Grpc;

    Calls(Service service, ManagedChannel channel, String token) throws IOException {
      this.service = service;
      this.authorization = "Bearer " + token;
      this.credit = TestKeys.withBearer(CreditScoringGrpc.newBlockingStub(channel), token);
      this.v2 = TestKeys.withBearer(GRPCInferenceServiceGrpc.newBlockingStub(channel), token);
      List<Float> row = new ArrayList<>();
      for (int i = 0; i < 55; i++) {
        row.add((i % 3) / 2f);
      }
      this.v2Json =
          JSON.writeValueAsString(
              Map.of(
                  "inputs",
                  List.of(
                      Map.of(
                          "name",
                          "features",
                          "shape",
                          List.of(1, 55),
                          "datatype",
                          "FP32",
                          "data",
                          row))));
      this.v2Grpc =
          ModelInferRequest.newBuilder()
              .setModelName("credit-risk")
              .addInputs(
                  InferInputTensor.newBuilder()
                      .setName("features")
                      .setDatatype("FP32")
                      .addShape(1)
                      .addShape(55)
                      .setContents(InferTensorContents.newBuilder().addAllFp32Contents(row)))
              .build();
    }

    /** Every kind of call once; the number made. */
    int round(String id) throws Exception {
      Map<String, Object> applicant = new LinkedHashMap<>(CreditApiTest.applicant());
      applicant.put("applicant_id", "T" + id);
      for (String version : List.of("1", "2")) {
        post(
            "/v1/credit/score?version=" + version,
            JSON.writeValueAsString(
                Map.of("request_id", id + "-" + version, "applicants", List.of(applicant))));
      }
      post(
          "/v1/credit/score",
          JSON.writeValueAsString(
              Map.of(
                  "request_id",
                  id + "-stored",
                  "applicants",
                  List.of(
                      Map.of(
                          "applicant_id",
                          String.format("A%04d", Math.floorMod(id.hashCode(), 1000)))))));
      post("/v2/models/credit-risk/infer", v2Json);
      get("/v2/models/credit-risk");
      credit.score(
          ScoreRequest.newBuilder()
              .setRequestId(id + "-grpc")
              .addApplicants(CreditApiTest.struct(applicant))
              .build());
      v2.modelInfer(v2Grpc);
      v2.modelMetadata(ModelMetadataRequest.newBuilder().setName("credit-risk").build());
      get("/q/health/ready");
      get("/q/metrics");
      return 10;
    }

    private void post(String path, String body) throws Exception {
      check(
          path,
          http.send(
              HttpRequest.newBuilder(service.uri(path))
                  .header("Content-Type", "application/json")
                  .header("Authorization", authorization)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }

    private void get(String path) throws Exception {
      check(
          path,
          http.send(
              HttpRequest.newBuilder(service.uri(path))
                  .header("Authorization", authorization)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }

    private static void check(String path, HttpResponse<String> r) {
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
      }
    }
  }

  /**
   * The service run from its application folder, as the cache requires ({@code java -jar
   * quarkus-run.jar} there), on free ports, its state in a folder of the training's.
   */
  static final class Service {

    final Path log;
    final int grpc;
    private final int http;
    private final int management;
    private final ProcessBuilder command;
    private Process process;

    Service(Path app, Path state, List<String> options) throws IOException {
      int[] ports = PackagedService.freePorts(3);
      this.http = ports[0];
      this.grpc = ports[1];
      this.management = ports[2];
      this.log = state.resolve("service.log");
      List<String> c = new ArrayList<>();
      c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      c.addAll(options);
      c.add("-Dquarkus.http.port=" + http);
      c.add("-Dquarkus.grpc.server.port=" + grpc);
      c.add("-Dquarkus.management.port=" + management);
      c.add("-Dscorer.repository.poll-interval=0s");
      c.add("-Dquarkus.shutdown.delay=0s"); // no load balancer to drain: stop at once
      c.add("-Dscorer.audit.path=" + state.resolve("audit/decisions.log"));
      c.add("-Dscorer.feedback.store.path=" + state.resolve("feedback"));
      c.addAll(List.of("-jar", "quarkus-run.jar"));
      this.command =
          new ProcessBuilder(c)
              .directory(app.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    Service start() throws Exception {
      process = command.start();
      HttpClient client = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the service exited; see " + log);
        }
        try {
          if (client
                  .send(
                      HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200) {
            return this;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("the service did not get ready; see " + log);
        }
        process.waitFor(100, TimeUnit.MILLISECONDS);
      }
    }

    URI uri(String path) {
      int port = path.startsWith("/q/") ? management : http;
      return URI.create("http://127.0.0.1:" + port + path);
    }

    void kill() {
      process.destroyForcibly();
    }

    /** SIGTERM, then the exit code; the training JVM writes its cache before it exits. */
    int stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("the service did not stop; see " + log);
      }
      return process.exitValue();
    }
  }
}
