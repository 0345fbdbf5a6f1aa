package io.creditscorer.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.creditscorer.PackagedService;
import io.creditscorer.RedisServer;
import io.creditscorer.api.rest.CreditApiTest;
import io.creditscorer.security.TestCertificates;
import io.creditscorer.security.TestKeys;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image as it runs, without a container engine: under a root-owned stand-in for {@code /}, the
 * packaged application is laid out as the Dockerfile's COPY lines lay it out, everything outside
 * the Dockerfile's VOLUMEs is read-only, and the service runs as the image's USER (with {@code
 * setpriv} when the test runs as root) with the Java the runtime stage names, from its WORKDIR,
 * with its ENV and ENTRYPOINT; absolute paths are taken to the stand-in. It must get ready, score
 * an applicant, accept an outcome and stop cleanly: with only the Dockerfile's settings, and with
 * the environment, Secrets, ConfigMaps and volumes of each rendered overlay (authentication on,
 * with a key and tokens made here; TLS in prod, with a certificate authority made here). The ports
 * are the one thing changed: free ports instead of 8080, 9000 and 9090.
 */
class ImageLayoutIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final KeyPair SIGNER = TestKeys.rsa();
  static RedisServer redis;

  /** The prod overlay's feature store. */
  @BeforeAll
  static void startRedis() throws Exception {
    redis = new RedisServer().start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.stop();
  }

  static final String ISSUER = "https://issuer.image-layout.test";

  /** A run of the service from a stand-in root, and how to reach it. */
  record Run(Process process, Path log, int http, int management, HttpClient client, String scheme)
      implements AutoCloseable {

    URI uri(String path) {
      return URI.create(scheme + "://127.0.0.1:" + http + path);
    }

    /** Whether the process still runs, and the end of its log: what a failure is read with. */
    String state() throws IOException {
      String text = Files.readString(log);
      return (process.isAlive() ? "running" : "exited with " + process.exitValue())
          + "; the end of "
          + log
          + ":\n"
          + text.substring(Math.max(0, text.length() - 3000));
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("did not stop within a minute; see " + log);
      }
    }
  }

  @Test
  void theJvmImageStartsScoresAndAcceptsAnOutcomeWithOnlyItsOwnSettings() throws Exception {
    Image image = Image.layOut(Path.of("Dockerfile"), Files.createTempDirectory("image-jvm"));
    try (Run run = image.start(Map.of(), null, List.of())) {
      exercise(run, null, null);
      assertTrue(
          Files.readString(run.log()).contains("scorer.auth.enabled is false"),
          "the open image says so");
    }
  }

  @Test
  void theNativeImagesLayoutAndSettingsWorkWithTheJvmJar() throws Exception {
    Image image =
        Image.layOut(Path.of("Dockerfile.native"), Files.createTempDirectory("image-native"));
    try (Run run = image.start(Map.of(), null, List.of())) {
      exercise(run, null, null);
    }
  }

  @Test
  void theJvmImageRunsWithTheEnvironmentOfEachOverlay() throws Exception {
    for (Path overlay : List.of(KubernetesManifestsTest.DEV, KubernetesManifestsTest.PROD)) {
      Path root = Files.createTempDirectory("image-" + overlay.getFileName());
      Image image = Image.layOut(Path.of("Dockerfile"), root);
      TestCertificates ca = new TestCertificates("image-layout-ca");
      Map<String, Map<String, String>> secrets = secrets(ca);
      secrets.put("credit-scorer-redis", Map.of("url", redis.url()));
      Pod pod = Pod.of(Manifests.render(overlay), root, secrets);
      try (Run run = image.start(pod.env(), ca, pod.emptyDirs())) {
        exercise(
            run,
            token(Set.of("scorer"), "image-layout-scorer"),
            token(Set.of("outcome-reporter"), "image-layout-reporter"));
      }
    }
    // The prod overlay keeps its decisions and audit trail in the shared Redis, not on the pod.
    assertTrue(
        redis.command("LLEN credit-scorer:decisions:q").matches(":[1-9][0-9]*\\r\\n"),
        "the prod overlay's decision is in Redis");
    assertTrue(
        redis.command("XLEN credit-scorer:audit").matches(":[1-9][0-9]*\\r\\n"),
        "the prod overlay's audit record is in Redis");
  }

  @Test
  void theKServeRuntimeServesTheInferenceServicesModelFromWhereKServeDownloadsIt()
      throws Exception {
    List<JsonNode> objects = Manifests.render(KServeManifestsTest.KSERVE);
    JsonNode runtime = Manifests.only(objects, "ServingRuntime").path("spec");
    String model = Manifests.only(objects, "InferenceService").at("/metadata/name").asText();
    Path root = Files.createTempDirectory("image-kserve");
    Image image = Image.layOut(Path.of("Dockerfile"), root);
    // KServe's storage initializer downloads the storageUri, this repository's layout, there.
    Image.copy(Path.of("models", model), Image.in(root, "/mnt/models/" + model));
    TestCertificates ca = new TestCertificates("image-kserve-ca");
    Map<String, Map<String, String>> secrets = secrets(ca);
    secrets.put("credit-scorer-redis", Map.of("url", redis.url()));
    Pod pod =
        Pod.of(runtime.path("containers").get(0), runtime.path("volumes"), Map.of(), root, secrets);
    try (Run run = image.start(pod.env(), null, pod.emptyDirs())) {
      exercise(
          run,
          token(Set.of("scorer"), "image-kserve-scorer"),
          token(Set.of("outcome-reporter"), "image-kserve-reporter"));
    }
  }

  /** The Secrets the overlays name, with values made for this run. */
  static Map<String, Map<String, String>> secrets(TestCertificates ca) throws IOException {
    Path dir = Files.createTempDirectory("image-secrets");
    TestCertificates.Issued server = ca.server("credit-scorer");
    server.write(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    ca.writeCa(dir.resolve("ca.crt"));
    Map<String, Map<String, String>> secrets = new HashMap<>();
    secrets.put(
        "credit-scorer-auth",
        Map.of(
            "jwt-public-key.pem",
            TestKeys.publicPem(SIGNER),
            "jwt-issuer",
            ISSUER,
            "jwt-audience",
            "credit-scorer",
            "audit-hmac-key",
            "image-layout-audit-key-0123456789abcdef",
            "audit-hmac-key-id",
            "image-layout-1"));
    secrets.put(
        "credit-scorer-tls",
        Map.of(
            "tls.crt", Files.readString(dir.resolve("tls.crt")),
            "tls.key", Files.readString(dir.resolve("tls.key")),
            "ca.crt", Files.readString(dir.resolve("ca.crt"))));
    return secrets;
  }

  /** Ready, a credit score, an outcome for it accepted. */
  static void exercise(Run run, String scorer, String reporter) throws Exception {
    await("ready; see " + run.log())
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!run.process().isAlive()) {
                throw new AssertionError("the service is " + run.state());
              }
              return status(run, "/q/health/ready") == 200;
            });
    String requestId = "image-" + System.nanoTime();
    HttpResponse<String> scored =
        post(
            run,
            "/v1/credit/score",
            scorer,
            Map.of("request_id", requestId, "applicants", List.of(CreditApiTest.applicant())));
    assertEquals(200, scored.statusCode(), scored.body());
    HttpResponse<String> outcome =
        post(
            run,
            "/v1/credit/outcomes",
            reporter,
            Map.of(
                "outcomes",
                List.of(
                    Map.of(
                        "request_id",
                        requestId,
                        "defaulted",
                        false,
                        "observed_at",
                        Instant.now().toString()))));
    assertEquals(200, outcome.statusCode(), outcome.body());
    assertEquals(
        "accepted", JSON.readTree(outcome.body()).at("/results/0/result").asText(), outcome.body());
    run.process().destroy();
    assertTrue(run.process().waitFor(1, TimeUnit.MINUTES), "stops; see " + run.log());
    String log = Files.readString(run.log());
    assertTrue(log.contains("stopped in"), "a clean shutdown; see " + run.log());
    assertTrue(!log.contains("AccessDeniedException"), "nothing written outside the volumes");
  }

  static int status(Run run, String path) {
    try {
      return run.client()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + run.management() + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException | InterruptedException notYet) {
      return -1;
    }
  }

  static HttpResponse<String> post(Run run, String path, String token, Object body)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(run.uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    try {
      return run.client().send(r.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(path + ": " + e + "; the service is " + run.state(), e);
    }
  }

  static String token(Set<String> roles, String subject) {
    return Jwt.issuer(ISSUER)
        .audience("credit-scorer")
        .subject(subject)
        .groups(roles)
        .expiresAt(Instant.now().plusSeconds(600))
        .sign(SIGNER.getPrivate());
  }

  /**
   * The image's file system and settings under a stand-in root: the runtime stage's COPY lines
   * (sources from an earlier stage read from this tree's build output), its WORKDIR (owned by
   * root), its VOLUMEs (the only writable places: owned by the USER when a RUN line gives it them,
   * {@code /tmp} open to all as in every base image), ENV, USER and ENTRYPOINT.
   */
  record Image(
      Path root,
      String workdir,
      Map<String, String> env,
      String user,
      List<String> entrypoint,
      List<String> volumes,
      String javaHome) {

    static final Pattern ABSOLUTE =
        Pattern.compile("(?<=^|[\\s=:,\"'])(/(?:app|var|etc|tmp|mnt)\\b[^\\s:,\"']*)");

    static Image layOut(Path dockerfile, Path root) throws Exception {
      List<DockerfileTest.Stage> stages = DockerfileTest.parse(dockerfile);
      DockerfileTest.Stage run = stages.get(stages.size() - 1);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      String user = run.last("USER");
      String workdir = run.last("WORKDIR");
      Files.createDirectories(in(root, workdir));
      for (String copy : run.all("COPY")) {
        List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
        String from = null;
        while (words.get(0).startsWith("--")) {
          String flag = words.remove(0);
          if (flag.startsWith("--from=")) {
            from = flag.substring("--from=".length());
          }
        }
        Path source = source(stages, from, words.get(0));
        if (source == null) {
          continue; // the native executable: not buildable here, the JVM jar stands in
        }
        copy(source, in(root, words.get(1)));
      }
      List<String> volumes = volumes(run);
      for (String volume : volumes) {
        Path dir = Files.createDirectories(in(root, volume));
        boolean owned =
            run.all("RUN").stream()
                .anyMatch(r -> r.matches(".*chown " + user + "\\S* .*" + volume + "\\b.*"));
        Files.setPosixFilePermissions(
            dir,
            PosixFilePermissions.fromString(volume.equals("/tmp") ? "rwxrwxrwx" : "rwxr-xr-x"));
        if (owned) {
          chown(dir, user);
        }
      }
      Map<String, String> env = new HashMap<>();
      run.env().forEach((k, v) -> env.put(k, inRoot(root, v)));
      List<String> entrypoint = new ArrayList<>();
      for (JsonNode part : JSON.readTree(run.last("ENTRYPOINT"))) {
        entrypoint.add(inRoot(root, part.asText()));
      }
      String javaHome = javaHome(run.from());
      if (run.all("RUN").stream().anyMatch(r -> r.contains(AotTraining.class.getName()))) {
        train(in(root, workdir), env, javaHome);
      }
      return new Image(root, workdir, env, user, entrypoint, volumes, javaHome);
    }

    /**
     * The runtime stage's AOT training, as its RUN line runs it: the image's Java, its environment
     * and {@code JAVA_OPTS}, as root, the cache written into the application's folder (a shorter
     * workload than the image's: the cache's use is what is checked here, not its quality).
     */
    static void train(Path app, Map<String, String> env, String javaHome) throws Exception {
      List<String> command =
          new ArrayList<>(
              List.of(
                  javaHome + "/bin/java",
                  "-Daot.training.seconds=2",
                  "-cp",
                  System.getProperty("java.class.path"),
                  AotTraining.class.getName(),
                  app.toString(),
                  "app.aot"));
      for (String option : env.getOrDefault("JAVA_OPTS", "").split("\\s+")) {
        if (!option.isEmpty()) {
          command.add(option);
        }
      }
      Path log = Files.createTempFile("aot-training", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process training = pb.start();
      assertTrue(training.waitFor(5, TimeUnit.MINUTES), "the AOT training did not end; see " + log);
      assertEquals(0, training.exitValue(), Files.readString(log));
    }

    /**
     * The service, started as the image's user with the image's settings plus {@code extra}, once
     * everything but the volumes (and {@code writable}, a pod's emptyDirs) is made read-only.
     */
    Run start(Map<String, String> extra, TestCertificates ca, List<String> writable)
        throws Exception {
      List<String> open = new ArrayList<>(volumes);
      open.addAll(writable);
      readOnlyOutside(root, open);
      int[] ports = PackagedService.freePorts(3);
      int http = ports[0];
      int management = ports[2];
      List<String> command = new ArrayList<>();
      if ("root".equals(System.getProperty("user.name"))) {
        command.addAll(
            List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups", "--"));
      }
      if (entrypoint.get(0).endsWith("/credit-scorer")) {
        // The native executable's options, given to the JVM running the jar instead.
        command.add(javaHome + "/bin/java");
        command.addAll(entrypoint.subList(1, entrypoint.size()));
        command.addAll(List.of("-jar", PackagedService.JAR.toAbsolutePath().toString()));
      } else {
        command.addAll(entrypoint);
      }
      ProcessBuilder pb = new ProcessBuilder(command).directory(in(root, workdir).toFile());
      Map<String, String> environment = pb.environment();
      environment.clear();
      environment.put("PATH", javaHome + "/bin:/usr/bin:/bin");
      environment.putAll(env);
      environment.putAll(extra);
      // The container's /tmp is the stand-in's; the ports are free ones.
      environment.put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + in(root, "/tmp"));
      environment.put("QUARKUS_HTTP_PORT", Integer.toString(http));
      environment.put("QUARKUS_HTTP_SSL_PORT", Integer.toString(http));
      environment.put("QUARKUS_GRPC_SERVER_PORT", Integer.toString(ports[1]));
      environment.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
      environment.put("QUARKUS_SHUTDOWN_DELAY", "0s");
      Path log = Files.createTempFile("image-run", ".log");
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
      String scheme = "http";
      if (ca != null && extra.containsKey("QUARKUS_CONFIG_LOCATIONS")) {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new X509TrustManager[] {ca.trustManager()}, null);
        client.sslContext(ssl);
        scheme = "https";
      }
      return new Run(pb.start(), log, http, management, client.build(), scheme);
    }

    static Path in(Path root, String absolute) {
      return root.resolve(absolute.replaceFirst("^/+", ""));
    }

    /** Every absolute path under the image's own directories, taken to the stand-in root. */
    static String inRoot(Path root, String value) {
      Matcher m = ABSOLUTE.matcher(value);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(in(root, m.group(1)).toString()));
      }
      m.appendTail(out);
      return out.toString();
    }

    private static Path source(List<DockerfileTest.Stage> stages, String from, String path) {
      if (from == null) {
        return Path.of(path);
      }
      for (DockerfileTest.Stage s : stages) {
        String[] fromLine = s.all("FROM").get(0).split("\\s+");
        if (fromLine.length == 3 && fromLine[2].equals(from)) {
          String workdir = s.last("WORKDIR") + "/";
          assertTrue(path.startsWith(workdir), path + " is under stage " + from + "'s WORKDIR");
          Path local = Path.of(path.substring(workdir.length()));
          return Files.exists(local) ? local : null;
        }
      }
      throw new AssertionError("no stage named " + from);
    }

    private static List<String> volumes(DockerfileTest.Stage run) throws IOException {
      List<String> volumes = new ArrayList<>();
      for (String v : run.all("VOLUME")) {
        JSON.readTree(v).forEach(n -> volumes.add(n.asText()));
      }
      assertTrue(!volumes.isEmpty(), "the Dockerfile declares its writable volumes");
      return volumes;
    }

    private static void copy(Path source, Path target) throws IOException {
      if (Files.isDirectory(source)) {
        try (Stream<Path> all = Files.walk(source)) {
          for (Path p : (Iterable<Path>) all::iterator) {
            Path t = target.resolve(source.relativize(p).toString());
            if (Files.isDirectory(p)) {
              Files.createDirectories(t);
            } else {
              Files.createDirectories(t.getParent());
              Files.copy(p, t);
            }
          }
        }
      } else {
        Files.createDirectories(target.getParent());
        Files.copy(source, target);
      }
    }

    /** Owned by root and read-only for everyone, but for the volumes. */
    private static void readOnlyOutside(Path root, List<String> volumes) throws IOException {
      List<Path> writable = volumes.stream().map(v -> in(root, v)).toList();
      try (Stream<Path> all = Files.walk(root)) {
        for (Path p : (Iterable<Path>) all::iterator) {
          if (writable.stream().anyMatch(p::startsWith)) {
            continue;
          }
          Files.setPosixFilePermissions(
              p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--"));
        }
      }
    }

    static void chown(Path dir, String user) throws IOException {
      if ("root".equals(System.getProperty("user.name"))) {
        Files.setAttribute(dir, "unix:uid", Integer.parseInt(user));
        Files.setAttribute(dir, "unix:gid", Integer.parseInt(user));
      }
    }

    /** The JDK of the runtime stage's Java release: this one's, or one under /usr/lib/jvm. */
    static String javaHome(String base) throws IOException {
      Matcher m = Pattern.compile("(?:temurin|openjdk|jre)[:-]?(\\d+)").matcher(base);
      if (!m.find()) {
        // A native runtime stage names no Java: the JVM that built the jar runs it.
        return System.getProperty("java.home");
      }
      int release = Integer.parseInt(m.group(1));
      if (Runtime.version().feature() == release) {
        return System.getProperty("java.home");
      }
      try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
        return jvms.filter(j -> j.getFileName().toString().matches(".*-" + release + "(-.*)?"))
            .filter(j -> Files.isExecutable(j.resolve("bin/java")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Java " + release + " under /usr/lib/jvm"))
            .toString();
      }
    }
  }

  /**
   * A rendered overlay's pod as environment for the stand-in: the ConfigMap's variables, the
   * container's {@code env} (Secret keys resolved), and its Secret and ConfigMap volumes written
   * under the root (paths in them taken to the stand-in); emptyDirs become writable directories.
   */
  record Pod(Map<String, String> env, List<String> emptyDirs) {

    static Pod of(List<JsonNode> objects, Path root, Map<String, Map<String, String>> secrets)
        throws IOException {
      Map<String, JsonNode> configMaps = new HashMap<>();
      Manifests.ofKind(objects, "ConfigMap")
          .forEach(c -> configMaps.put(KubernetesManifestsTest.name(c), c.path("data")));
      return of(
          KubernetesManifestsTest.container(objects),
          Manifests.podTemplate(objects).at("/spec/volumes"),
          configMaps,
          root,
          secrets);
    }

    /** A container with the pod's volumes and the ConfigMaps it may name. */
    static Pod of(
        JsonNode container,
        JsonNode podVolumes,
        Map<String, JsonNode> configMaps,
        Path root,
        Map<String, Map<String, String>> secrets)
        throws IOException {
      Map<String, String> env = new HashMap<>();
      for (JsonNode from : container.path("envFrom")) {
        configMaps
            .get(from.at("/configMapRef/name").asText())
            .fields()
            .forEachRemaining(e -> env.put(e.getKey(), Image.inRoot(root, e.getValue().asText())));
      }
      for (JsonNode e : container.path("env")) {
        JsonNode ref = e.at("/valueFrom/secretKeyRef");
        String value =
            ref.isMissingNode()
                ? Image.inRoot(root, e.path("value").asText())
                : secrets
                    .getOrDefault(ref.path("name").asText(), Map.of())
                    .get(ref.path("key").asText());
        if (value != null) {
          env.put(e.path("name").asText(), value);
        }
      }
      List<String> emptyDirs = new ArrayList<>();
      Map<String, JsonNode> volumes = new HashMap<>();
      podVolumes.forEach(v -> volumes.put(v.path("name").asText(), v));
      for (JsonNode mount : container.path("volumeMounts")) {
        JsonNode volume = volumes.get(mount.path("name").asText());
        String mountPath = mount.path("mountPath").asText();
        Path dir = Files.createDirectories(Image.in(root, mountPath));
        if (volume.has("emptyDir")) {
          emptyDirs.add(mountPath);
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } else if (volume.has("secret")) {
          Map<String, String> data = secrets.get(volume.at("/secret/secretName").asText());
          for (Map.Entry<String, String> item : data.entrySet()) {
            Files.writeString(dir.resolve(item.getKey()), item.getValue());
          }
        } else if (volume.has("configMap")) {
          var data = configMaps.get(volume.at("/configMap/name").asText()).fields();
          while (data.hasNext()) {
            var item = data.next();
            Files.writeString(
                dir.resolve(item.getKey()), Image.inRoot(root, item.getValue().asText()));
          }
        }
      }
      return new Pod(env, emptyDirs);
    }
  }
}
