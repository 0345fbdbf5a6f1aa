package io.creditscorer.journal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * An append-only log of JSON lines in numbered segment files, {@code <prefix><first seq>.jsonl}, in
 * one directory. Records carry increasing sequence numbers; a segment is closed once it holds
 * {@code recordsPerSegment} records and the next is named by the next record's number. Other lines
 * (about a record already written) go to the newest segment. Every line of a segment is about a
 * record numbered below the next segment's first, so once the owner no longer needs a number, the
 * segments wholly below it are deleted ({@link #dropBelow}): disk use stays within the live content
 * plus about one segment, and nothing is ever rewritten.
 *
 * <p>A group of lines can be made all-or-nothing: {@link #mark} before, {@link #rollback} to the
 * mark when writing or syncing them failed (the segment is cut back to its length at the mark).
 *
 * <p>Not thread-safe: its owner serialises calls.
 */
public final class SegmentLog implements AutoCloseable {

  private static final String SUFFIX = ".jsonl";
  private static final Logger LOG = Logger.getLogger(SegmentLog.class);

  /** What a replayed line was. */
  public enum Line {
    /** A record (counts towards its segment's size). */
    RECORD,
    /** A line about an earlier record. */
    OTHER,
    /** Unreadable (e.g. torn by a crash mid-write): skipped and counted. */
    BAD
  }

  /** Reads one replayed line. */
  @FunctionalInterface
  public interface Replayer {
    Line replay(String line);
  }

  /** Opens a segment file for appending (a test injects a failing one). */
  @FunctionalInterface
  public interface Opener {
    FileOutputStream open(Path file) throws IOException;
  }

  /** Where the newest segment ended at {@link #mark}. */
  public record Mark(Path segment, long length, long lines, long records) {}

  /** Writes one line's JSON value (without the line end). */
  @FunctionalInterface
  public interface LineWriter {
    void write(JsonGenerator g) throws IOException;
  }

  private static final class Segment {
    final Path path;
    final long firstSeq;
    long records;
    long lines;

    Segment(Path path, long firstSeq) {
      this.path = path;
      this.firstSeq = firstSeq;
    }
  }

  private final Path dir;
  private final String prefix;
  private final long recordsPerSegment;
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private final Opener opener;
  private FileOutputStream out;
  private JsonGenerator json;

  public SegmentLog(Path dir, String prefix, long recordsPerSegment) {
    this(dir, prefix, recordsPerSegment, file -> new FileOutputStream(file.toFile(), true));
  }

  public SegmentLog(Path dir, String prefix, long recordsPerSegment, Opener opener) {
    this.dir = dir;
    this.prefix = prefix;
    this.recordsPerSegment = recordsPerSegment;
    this.opener = opener;
  }

  /** Lines longer than this are skipped whole when replayed (counted as unreadable). */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  /**
   * Replays every segment, oldest first, line by line; returns how many lines were unreadable:
   * torn, not valid UTF-8, longer than {@value #MAX_LINE_BYTES} bytes, or refused by {@code
   * replayer}. Blank lines are skipped. An unreadable line never stops the replay.
   */
  public int replay(Replayer replayer) throws IOException {
    Files.createDirectories(dir);
    int bad = 0;
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    byte[] line = new byte[1024];
    for (Segment segment : listSegments()) {
      segments.addLast(segment);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(segment.path), 1 << 16)) {
        int length = 0;
        boolean oversized = false;
        for (int b = in.read(); ; b = in.read()) {
          if (b != '\n' && b != -1) {
            if (length == MAX_LINE_BYTES) {
              oversized = true;
            } else {
              if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, 2 * line.length));
              }
              line[length++] = (byte) b;
            }
            continue;
          }
          if (b == -1 && length == 0 && !oversized) {
            break;
          }
          segment.lines++;
          if (oversized) {
            bad++;
          } else if (length > 0) {
            switch (replayLine(replayer, utf8, line, length)) {
              case RECORD -> segment.records++;
              case BAD -> bad++;
              case OTHER -> {}
            }
          }
          length = 0;
          oversized = false;
          if (b == -1) {
            break;
          }
        }
      }
    }
    return bad;
  }

  private static Line replayLine(Replayer replayer, CharsetDecoder utf8, byte[] line, int length) {
    String text;
    try {
      text = utf8.decode(ByteBuffer.wrap(line, 0, length)).toString();
    } catch (CharacterCodingException notUtf8) {
      return Line.BAD;
    }
    return text.isBlank() ? Line.OTHER : replayer.replay(text);
  }

  private List<Segment> listSegments() throws IOException {
    List<Segment> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.startsWith(prefix) && name.endsWith(SUFFIX)) {
          String seq = name.substring(prefix.length(), name.length() - SUFFIX.length());
          try {
            found.add(new Segment(f, Long.parseLong(seq)));
          } catch (NumberFormatException notOurs) {
            LOG.warnf("%s: ignoring %s (not a segment name)", dir, name);
          }
        }
      }
    }
    found.sort((a, b) -> Long.compare(a.firstSeq, b.firstSeq));
    return found;
  }

  /**
   * Opens the newest segment for appending, or a new one named {@code nextSeq} when there is none
   * or it is full. A torn last line is ended first, so the next line starts on its own.
   */
  public void openForAppend(long nextSeq) throws IOException {
    Segment newest = segments.peekLast();
    if (newest == null || newest.records >= recordsPerSegment) {
      startSegment(nextSeq);
      return;
    }
    boolean torn = false;
    long size = Files.size(newest.path);
    if (size > 0) {
      try (var channel = Files.newByteChannel(newest.path)) {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.position(size - 1).read(last);
        torn = last.get(0) != '\n';
      }
    }
    open(newest);
    if (torn) {
      json.writeRaw('\n');
      json.flush();
    }
  }

  /**
   * Starts a new segment, named {@code nextSeq}, when the newest is full. Called before a batch of
   * records, so a batch never spans two segments and can be rolled back whole.
   */
  public void startSegmentIfFull(long nextSeq) throws IOException {
    if (segments.peekLast().records >= recordsPerSegment) {
      startSegment(nextSeq);
    }
  }

  /** Appends a record to the newest segment. */
  public void appendRecord(LineWriter line) throws IOException {
    append(line);
    segments.peekLast().records++;
  }

  /** Appends a line about an earlier record to the newest segment. */
  public void append(LineWriter line) throws IOException {
    line.write(json);
    json.writeRaw('\n');
    segments.peekLast().lines++;
  }

  /** Hands what was appended to the operating system. */
  public void flush() throws IOException {
    json.flush();
  }

  /** Flushes and syncs the newest segment to the device. */
  public void sync() throws IOException {
    json.flush();
    out.getFD().sync();
  }

  /**
   * Deletes the oldest segments while the next one starts at or below {@code oldestNeeded}: nothing
   * they hold is needed. The newest segment is never deleted.
   */
  public void dropBelow(long oldestNeeded) throws IOException {
    while (segments.size() > 1) {
      Iterator<Segment> oldestFirst = segments.iterator();
      Segment oldest = oldestFirst.next();
      if (oldestNeeded < oldestFirst.next().firstSeq) {
        return;
      }
      Files.deleteIfExists(oldest.path);
      segments.pollFirst();
      LOG.debugf("%s: deleted %s, nothing in it is needed", dir, oldest.path);
    }
  }

  /** Syncs and closes the newest segment and starts the next, named {@code firstSeq}. */
  private void startSegment(long firstSeq) throws IOException {
    if (json != null) {
      sync();
      json.close();
    }
    Segment next =
        new Segment(dir.resolve(String.format("%s%019d%s", prefix, firstSeq, SUFFIX)), firstSeq);
    segments.addLast(next);
    open(next);
  }

  private void open(Segment segment) throws IOException {
    out = opener.open(segment.path);
    json = JsonLines.FACTORY.createGenerator(out, JsonEncoding.UTF8);
  }

  /** Flushes, and remembers where the newest segment ends now. */
  public Mark mark() throws IOException {
    json.flush();
    Segment newest = segments.peekLast();
    return new Mark(newest.path, Files.size(newest.path), newest.lines, newest.records);
  }

  /**
   * Undoes what was appended since {@code mark}: drops what is buffered, cuts the newest segment
   * back to its length at the mark and reopens it. No segment may have been started in between.
   *
   * @throws IOException when the segment cannot be cut or reopened (the log is then unusable until
   *     a later rollback or restart succeeds)
   */
  public void rollback(Mark mark) throws IOException {
    Segment newest = segments.peekLast();
    if (!newest.path.equals(mark.segment())) {
      throw new IllegalStateException("a segment was started since the mark");
    }
    try {
      out.close(); // not the generator: what it still buffers must not reach the file
    } catch (IOException ignored) {
      // the stream is being abandoned either way
    }
    try (FileChannel channel = FileChannel.open(newest.path, StandardOpenOption.WRITE)) {
      channel.truncate(mark.length());
    }
    newest.lines = mark.lines();
    newest.records = mark.records();
    open(newest);
  }

  /** Lines in the segments on disk. */
  public long lines() {
    return segments.stream().mapToLong(s -> s.lines).sum();
  }

  /** Segments on disk. */
  public int segments() {
    return segments.size();
  }

  /** Syncs and closes the newest segment; later calls do nothing. */
  @Override
  public void close() throws IOException {
    if (json == null) {
      return;
    }
    try {
      sync();
      json.close();
    } finally {
      json = null;
    }
  }
}
