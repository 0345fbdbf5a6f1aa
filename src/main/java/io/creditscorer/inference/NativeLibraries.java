package io.creditscorer.inference;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where ONNX Runtime loads its native libraries from. By default it unpacks them (22 MB) from its
 * jar into a temporary folder at every start; the build unpacks them once beside the application
 * ({@code quarkus-app/native/}, as its jar lays them out), and a service started with {@code -jar
 * quarkus-run.jar} loads them from there. An explicit {@value #PROPERTY} is left alone.
 */
public final class NativeLibraries {

  /** ONNX Runtime's own setting: the folder holding its libraries. */
  public static final String PROPERTY = "onnxruntime.native.path";

  private NativeLibraries() {}

  /** Call before ONNX Runtime's first use. */
  public static void preferUnpacked() {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    Path dir = unpacked(System.getProperty("java.class.path"), platform());
    if (dir != null) {
      System.setProperty(PROPERTY, dir.toString());
    }
  }

  /**
   * The unpacked libraries of {@code platform} beside the one jar of {@code classPath}, or {@code
   * null} when the class path is not a single {@code quarkus-run.jar} or they are not there.
   */
  static Path unpacked(String classPath, String platform) {
    if (classPath == null
        || classPath.contains(File.pathSeparator)
        || !classPath.endsWith("quarkus-run.jar")) {
      return null;
    }
    Path dir =
        Path.of(classPath)
            .toAbsolutePath()
            .getParent()
            .resolve("native/ai/onnxruntime/native")
            .resolve(platform);
    return Files.isRegularFile(dir.resolve(System.mapLibraryName("onnxruntime"))) ? dir : null;
  }

  /** The folder name ONNX Runtime's jar gives this operating system and processor. */
  static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String osName = os.contains("mac") ? "osx" : os.contains("win") ? "win" : "linux";
    String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
    return osName + "-" + archName;
  }
}
