package io.creditscorer.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {

  @TempDir Path app;

  @Test
  void theLibrariesUnpackedBesideTheRunJarAreUsed() throws Exception {
    Path dir = Files.createDirectories(app.resolve("native/ai/onnxruntime/native/linux-x64"));
    Files.createFile(dir.resolve(System.mapLibraryName("onnxruntime")));
    String jar = app.resolve("quarkus-run.jar").toString();
    assertEquals(dir, NativeLibraries.unpacked(jar, "linux-x64"));
    assertNull(NativeLibraries.unpacked(jar, "linux-aarch64"), "another platform's folder");
  }

  @Test
  void elseOnnxRuntimeUnpacksThemItself() throws Exception {
    Path dir = Files.createDirectories(app.resolve("native/ai/onnxruntime/native/linux-x64"));
    String jar = app.resolve("quarkus-run.jar").toString();
    assertNull(NativeLibraries.unpacked(jar, "linux-x64"), "the folder without the library");
    Files.createFile(dir.resolve(System.mapLibraryName("onnxruntime")));
    assertNull(
        NativeLibraries.unpacked(jar + File.pathSeparator + "other.jar", "linux-x64"),
        "a class path of several entries (tests, IDEs)");
    assertNull(NativeLibraries.unpacked(app.resolve("other.jar").toString(), "linux-x64"));
    assertNull(NativeLibraries.unpacked(null, "linux-x64"));
  }

  @Test
  void thePlatformIsNamedAsOnnxRuntimesJarNamesIt() {
    String library =
        "ai/onnxruntime/native/"
            + NativeLibraries.platform()
            + "/"
            + System.mapLibraryName("onnxruntime");
    assertNotNull(NativeLibraries.class.getClassLoader().getResource(library), library);
  }
}
