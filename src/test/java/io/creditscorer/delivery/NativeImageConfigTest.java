package io.creditscorer.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The native-image registration for ONNX Runtime agrees with the ONNX Runtime that ships: every
 * class and constructor its JNI library looks up by name (read from the library itself), its native
 * libraries as resources, its classes initialised at run time. No native image is built here (no
 * GraalVM/Mandrel on the development machines); docs/OPERATIONS.md says what that leaves
 * unverified.
 */
class NativeImageConfigTest {

  static final Path CONFIG =
      Path.of("src/main/resources/META-INF/native-image/io.creditscorer/credit-scorer");
  static final String JNI_LIBRARY = "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so";
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyClassAndConstructorTheJniLibraryLooksUpIsRegistered() throws Exception {
    List<String> strings = printableStrings(JNI_LIBRARY);
    Set<String> lookedUp = new TreeSet<>();
    Set<String> constructors = new TreeSet<>();
    for (String s : strings) {
      if (s.matches("(ai/onnxruntime/[A-Za-z$]+|java/lang/String)")) {
        lookedUp.add(s.replace('/', '.'));
      } else if (s.matches("\\([A-Za-z/;\\[$]*\\)V")) {
        constructors.add(s);
      }
    }
    assertTrue(lookedUp.size() >= 10, "class names found in the library: " + lookedUp);
    assertTrue(constructors.size() >= 10, "constructor descriptors found: " + constructors);

    Set<String> registeredClasses = new HashSet<>();
    Set<String> registeredConstructors = new HashSet<>();
    for (JsonNode entry : JSON.readTree(CONFIG.resolve("jni-config.json").toFile())) {
      Class<?> type = Class.forName(entry.path("name").asText());
      registeredClasses.add(type.getName());
      for (JsonNode method : entry.path("methods")) {
        assertEquals("<init>", method.path("name").asText(), "only constructors are called back");
        List<Class<?>> parameters = new ArrayList<>();
        for (JsonNode p : method.path("parameterTypes")) {
          parameters.add(typeNamed(p.asText()));
        }
        type.getDeclaredConstructor(parameters.toArray(Class<?>[]::new)); // exists
        registeredConstructors.add(
            MethodType.methodType(void.class, parameters).toMethodDescriptorString());
      }
    }
    for (String name : lookedUp) {
      assertTrue(
          registeredClasses.contains(name), name + " is looked up by JNI but not registered");
    }
    for (String descriptor : constructors) {
      assertTrue(
          registeredConstructors.contains(descriptor),
          "constructor " + descriptor + " is called from JNI but not registered");
    }
  }

  @Test
  void theNativeLibrariesForLinuxAreIncludedAsResources() throws Exception {
    List<Pattern> includes = new ArrayList<>();
    for (JsonNode include :
        JSON.readTree(CONFIG.resolve("resource-config.json").toFile()).at("/resources/includes")) {
      includes.add(Pattern.compile(include.path("pattern").asText()));
    }
    Path jar =
        Path.of(OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    int linux = 0;
    try (JarFile file = new JarFile(jar.toFile())) {
      for (String entry : file.stream().map(e -> e.getName()).toList()) {
        boolean included = includes.stream().anyMatch(p -> p.matcher(entry).matches());
        if (entry.matches("ai/onnxruntime/native/linux-(x64|aarch64)/[^/]+\\.so")) {
          assertTrue(included, entry + " is not included");
          linux++;
        } else {
          assertFalse(included, entry + " need not be in a Linux image");
        }
      }
    }
    assertEquals(4, linux, "libonnxruntime and its JNI library, for x64 and aarch64");
  }

  @Test
  void reflectivelyCreatedArrayTypesExist() throws Exception {
    for (JsonNode entry : JSON.readTree(CONFIG.resolve("reflect-config.json").toFile())) {
      assertTrue(Class.forName(entry.path("name").asText()).isArray());
    }
  }

  @Test
  void onnxRuntimeIsInitialisedAtRunTimeAndTheNativeProfileExists() throws Exception {
    assertTrue(
        Manifests.applicationProperties()
            .getProperty("quarkus.native.additional-build-args")
            .contains("--initialize-at-run-time=ai.onnxruntime"));
    String pom = Files.readString(Path.of("pom.xml"));
    assertTrue(pom.contains("<id>native</id>"));
    assertTrue(pom.contains("<quarkus.native.enabled>true</quarkus.native.enabled>"));
  }

  private static Class<?> typeNamed(String name) throws ClassNotFoundException {
    return switch (name) {
      case "int" -> int.class;
      case "long" -> long.class;
      case "boolean" -> boolean.class;
      default ->
          name.endsWith("[]")
              ? typeNamed(name.substring(0, name.length() - 2)).arrayType()
              : Class.forName(name);
    };
  }

  /**
   * The runs of at least 3 printable ASCII characters in a classpath resource (like strings(1)).
   */
  private static List<String> printableStrings(String resource) throws Exception {
    byte[] bytes;
    try (InputStream in = OrtEnvironment.class.getResourceAsStream("/" + resource)) {
      assertTrue(in != null, resource + " is on the classpath");
      bytes = in.readAllBytes();
    }
    List<String> strings = new ArrayList<>();
    StringBuilder run = new StringBuilder();
    for (byte b : bytes) {
      if (b >= 0x20 && b < 0x7f) {
        run.append((char) b);
      } else {
        if (run.length() >= 3) {
          strings.add(run.toString());
        }
        run.setLength(0);
      }
    }
    return strings;
  }
}
