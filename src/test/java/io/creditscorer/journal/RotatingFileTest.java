package io.creditscorer.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size rotation: whole blocks, the newest backup first, at most the configured backups kept. */
class RotatingFileTest {

  @TempDir Path dir;

  private static ByteBuffer line(String text) {
    return ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void blocksAreAppendedAndRotatedWholeKeepingTheNewestBackups() throws Exception {
    Path path = dir.resolve("logs/decisions.log"); // the directory is created
    try (RotatingFile file = RotatingFile.open(path, 20, 2, "the audit log")) {
      file.write(line("one......")); // 10 bytes
      file.write(line("two......")); // 20: fits exactly
      file.write(line("three....")); // would pass 20: rotated first
      file.write(line("four.....")); // fits beside three
      file.write(line("a block longer than the limit")); // never split, never refused
      file.write(line("six......"));
    }
    assertEquals("six......\n", Files.readString(path));
    assertEquals(
        "a block longer than the limit\n", Files.readString(dir.resolve("logs/decisions.log.1")));
    assertEquals("three....\nfour.....\n", Files.readString(dir.resolve("logs/decisions.log.2")));
    assertFalse(Files.exists(dir.resolve("logs/decisions.log.3")), "only 2 backups are kept");
  }

  @Test
  void anExistingFileIsAppendedToAndCountsTowardsItsSize() throws Exception {
    Path path = dir.resolve("decisions.log");
    Files.writeString(path, "earlier..\n");
    try (RotatingFile file = RotatingFile.open(path, 20, 1, "the audit log")) {
      file.write(line("next.....")); // 20
      file.write(line("rotated..")); // the earlier run's lines move to .1 with it
    }
    assertEquals("earlier..\nnext.....\n", Files.readString(dir.resolve("decisions.log.1")));
    assertEquals("rotated..\n", Files.readString(path));
  }

  @Test
  void withNoBackupsTheFullFileIsDeleted() throws Exception {
    Path path = dir.resolve("decisions.log");
    try (RotatingFile file = RotatingFile.open(path, 10, 0, "the audit log")) {
      file.write(line("first...."));
      file.write(line("second..."));
    }
    assertEquals("second...\n", Files.readString(path));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void aPathThatCannotBeOpenedIsNamedWithItsSetting() throws Exception {
    Path notADirectory = dir.resolve("file");
    Files.writeString(notADirectory, "x");
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () ->
                RotatingFile.open(
                    notADirectory.resolve("decisions.log"),
                    100,
                    1,
                    "the audit log (scorer.audit.path)"));
    assertTrue(e.getMessage().contains("scorer.audit.path"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> RotatingFile.open(dir.resolve("x.log"), 0, 1, "the audit log"));
  }
}
