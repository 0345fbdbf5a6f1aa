package io.creditscorer.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only file of whole lines, rotated by size: once a block would take it past {@code
 * maxFileSize}, {@code path} becomes {@code path.1} ({@code path.1} becomes {@code path.2}, and so
 * on; at most {@code maxBackups} are kept, the oldest is deleted) and a new {@code path} is
 * started. A block is never split between two files. A block that fails to be written is cut off
 * the file again, so a retry does not leave half a line before it.
 *
 * <p>Not thread-safe: one writer thread owns it.
 */
public final class RotatingFile implements AutoCloseable {

  private final Path path;
  private final long maxFileSize;
  private final int maxBackups;
  private FileChannel channel;
  private long size;

  private RotatingFile(Path path, long maxFileSize, int maxBackups) {
    this.path = path;
    this.maxFileSize = maxFileSize;
    this.maxBackups = maxBackups;
  }

  /**
   * Opens {@code path} for appending, creating it and its directories when needed.
   *
   * @param what names the file and its setting in errors, e.g. "audit log (scorer.audit.path)"
   * @throws UncheckedIOException when it cannot be created or opened, naming {@code what}
   */
  public static RotatingFile open(Path path, long maxFileSize, int maxBackups, String what) {
    if (maxFileSize < 1) {
      throw new IllegalArgumentException(what + ": the maximum file size must be positive");
    }
    if (maxBackups < 0) {
      throw new IllegalArgumentException(what + ": the number of backups must not be negative");
    }
    RotatingFile file = new RotatingFile(path, maxFileSize, maxBackups);
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      file.openChannel();
    } catch (IOException e) {
      throw new UncheckedIOException(what + " " + path + " cannot be opened: " + e, e);
    }
    return file;
  }

  private void openChannel() throws IOException {
    channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size();
  }

  public Path path() {
    return path;
  }

  /** Appends the block's remaining bytes (whole lines), rotating first when they would not fit. */
  public void write(ByteBuffer block) throws IOException {
    if (channel == null) {
      openChannel(); // a rotation failed half-way: start again on the file at path
    }
    if (size > 0 && size + block.remaining() > maxFileSize) {
      rotate();
    }
    long before = size;
    try {
      while (block.hasRemaining()) {
        size += channel.write(block);
      }
    } catch (IOException e) {
      try {
        channel.truncate(before);
        size = before;
      } catch (IOException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  private void rotate() throws IOException {
    channel.close();
    channel = null;
    if (maxBackups == 0) {
      Files.delete(path);
    } else {
      Files.deleteIfExists(backup(maxBackups));
      for (int i = maxBackups - 1; i >= 1; i--) {
        if (Files.exists(backup(i))) {
          Files.move(backup(i), backup(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(path, backup(1), StandardCopyOption.REPLACE_EXISTING);
    }
    openChannel();
  }

  private Path backup(int i) {
    return path.resolveSibling(path.getFileName() + "." + i);
  }

  /** Forces what was written to the device. */
  public void sync() throws IOException {
    if (channel != null) {
      channel.force(false);
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
