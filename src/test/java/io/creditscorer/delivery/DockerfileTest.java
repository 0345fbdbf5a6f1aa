package io.creditscorer.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two Dockerfiles, read instruction by instruction, agree with the project: ports, the run
 * command, the non-root user the pods run as, where models and the audit log live. (No container
 * engine runs on the development machines, so the images themselves are not built here.)
 */
class DockerfileTest {

  /** One build stage: its base image and its instructions (keyword, arguments). */
  record Stage(String from, List<String[]> instructions) {
    List<String> all(String keyword) {
      return instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }

    String last(String keyword) {
      List<String> found = all(keyword);
      assertTrue(!found.isEmpty(), "no " + keyword + " in stage FROM " + from);
      return found.get(found.size() - 1);
    }

    Map<String, String> env() {
      Map<String, String> env = new HashMap<>();
      for (String line : all("ENV")) {
        Matcher m = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(line);
        while (m.find()) {
          env.put(m.group(1), m.group(2).replace("\"", ""));
        }
      }
      return env;
    }

    /** Destination of the COPY whose source is {@code source}. */
    String copyDestination(String source) {
      for (String copy : all("COPY")) {
        String[] words = copy.split("\\s+");
        if (words[words.length - 2].equals(source)) {
          return words[words.length - 1];
        }
      }
      throw new AssertionError("no COPY of " + source + " in stage FROM " + from);
    }
  }

  static List<Stage> parse(Path dockerfile) throws Exception {
    List<Stage> stages = new ArrayList<>();
    String joined = Files.readString(dockerfile).replaceAll("\\\\\\n", " ");
    for (String line : joined.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] instruction = line.split("\\s+", 2);
      instruction[0] = instruction[0].toUpperCase();
      if (instruction[0].equals("FROM")) {
        stages.add(new Stage(instruction[1].split("\\s+")[0], new ArrayList<>()));
      }
      stages.get(stages.size() - 1).instructions().add(instruction);
    }
    return stages;
  }

  @Test
  void jvmImageRunsTheFastJarOnAJreAsTheNonRootUserOfThePods() throws Exception {
    List<Stage> stages = parse(Path.of("Dockerfile"));
    assertTrue(stages.size() >= 2, "multi-stage");
    Stage build = stages.get(0);
    Stage run = stages.get(stages.size() - 1);
    String release = pomElement("maven.compiler.release");
    assertTrue(build.from().contains("temurin-" + release), build.from());
    assertTrue(build.last("RUN").matches("mvn .*package.*"), build.last("RUN"));
    assertTrue(build.last("RUN").contains("-Dquarkus.package.jar.type=aot-jar"), "AOT jar layout");
    Matcher runtime = Pattern.compile("eclipse-temurin:(\\d+)-jre-.*").matcher(run.from());
    assertTrue(runtime.matches(), "a JRE, not a JDK: " + run.from());
    assertTrue(
        Integer.parseInt(runtime.group(1)) >= Math.max(25, Integer.parseInt(release)),
        "a Java that runs the " + release + " classes and takes an AOT cache: " + run.from());

    assertRunsAsThePodsUser(run);
    assertExposesTheConfiguredPorts(run);

    // The fast-jar of the README's run command, copied whole, run from where it was copied.
    assertTrue(
        Files.readString(Path.of("README.md"))
            .contains("java -jar target/quarkus-app/quarkus-run.jar"));
    for (String part : List.of("lib/", "app/", "quarkus/", "native/", "quarkus-run.jar")) {
      assertTrue(
          run.all("COPY").stream().anyMatch(c -> c.contains("/target/quarkus-app/" + part)), part);
    }
    String jar = run.copyDestination("/src/target/quarkus-app/quarkus-run.jar");
    String app = Path.of(jar).getParent().toString();
    assertEquals(app, run.last("WORKDIR"), "run from the application's folder, as trained");
    assertTrue(
        run.last("ENTRYPOINT").contains("-XX:AOTCache=app.aot -XX:AOTMode=on -jar quarkus-run.jar"),
        run.last("ENTRYPOINT"));
    // The cache is trained in this stage, into the application's folder, with the image's JVM
    // options, before the stage turns to the unprivileged user.
    List<String[]> steps = run.instructions();
    int training = -1;
    int user = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i)[0].equals("RUN")
          && steps.get(i)[1].contains(
              AotTraining.class.getName() + " " + app + " app.aot $JAVA_OPTS")) {
        training = i;
      }
      if (steps.get(i)[0].equals("USER")) {
        user = i;
      }
    }
    assertTrue(training >= 0, "the runtime stage trains the AOT cache");
    assertTrue(training < user, "trained as root, into the root-owned application folder");
    assertModelsAndAuditLogWhereThePodsExpectThem(run);
  }

  @Test
  void nativeImageIsCompiledByMandrelAndRunsAsTheNonRootUserOfThePods() throws Exception {
    List<Stage> stages = parse(Path.of("Dockerfile.native"));
    assertEquals(3, stages.size(), "native sources, Mandrel, runtime");
    assertTrue(stages.get(0).last("RUN").contains("-Dnative -Dquarkus.native.sources-only=true"));
    Stage mandrel = stages.get(1);
    assertTrue(mandrel.from().contains("mandrel-builder-image"), mandrel.from());
    assertTrue(mandrel.last("RUN").startsWith("native-image $(cat native-image.args)"));
    Stage run = stages.get(2);
    assertRunsAsThePodsUser(run);
    assertExposesTheConfiguredPorts(run);
    String runner = "/build/" + pomElement("artifactId") + "-" + pomElement("version") + "-runner";
    String executable = run.copyDestination(runner);
    assertTrue(
        run.last("ENTRYPOINT").startsWith("[\"" + executable + "\""), run.last("ENTRYPOINT"));
    assertModelsAndAuditLogWhereThePodsExpectThem(run);
  }

  @Test
  void buildOutputStaysOutOfTheBuildContext() throws Exception {
    assertTrue(Files.readAllLines(Path.of(".dockerignore")).contains("target/"));
  }

  private static void assertRunsAsThePodsUser(Stage run) {
    String user = run.last("USER");
    assertTrue(
        user.matches("[1-9][0-9]*"),
        "a numeric non-root USER (runAsNonRoot needs a number): " + user);
    JsonNode pod =
        Manifests.podTemplate(Manifests.render(KubernetesManifestsTest.BASE)).path("spec");
    assertEquals(user, pod.at("/securityContext/runAsUser").asText());
  }

  private static void assertExposesTheConfiguredPorts(Stage run) throws Exception {
    Properties config = Manifests.applicationProperties();
    Set<String> expected =
        Set.of(
            config.getProperty("quarkus.http.port"),
            config.getProperty("quarkus.grpc.server.port"),
            config.getProperty("quarkus.management.port"));
    assertEquals(expected, new TreeSet<>(List.of(run.last("EXPOSE").split("\\s+"))));
  }

  private static void assertModelsAndAuditLogWhereThePodsExpectThem(Stage run) {
    JsonNode config =
        Manifests.only(Manifests.render(KubernetesManifestsTest.BASE), "ConfigMap").path("data");
    Map<String, String> env = run.env();
    String models = env.get("SCORER_REPOSITORY_PATH");
    assertEquals(config.path("SCORER_REPOSITORY_PATH").asText(), models);
    assertEquals(
        models + "/",
        run.copyDestination("models/"),
        "models are baked in where the service reads them");
    String audit = env.get("SCORER_AUDIT_PATH");
    assertEquals(config.path("SCORER_AUDIT_PATH").asText(), audit);
    String auditDir = Path.of(audit).getParent().toString();
    assertTrue(
        run.all("RUN").stream().anyMatch(r -> r.contains("chown") && r.contains(auditDir)),
        "the audit directory belongs to the service user");
  }

  private static String pomElement(String name) throws Exception {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(m.find(), name);
    return m.group(1);
  }
}
