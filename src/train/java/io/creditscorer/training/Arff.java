package io.creditscorer.training;

import io.creditscorer.features.CsvRows;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small reader for the ARFF files this project ships: numeric and nominal attributes, values
 * optionally in single quotes, no sparse rows, no missing values.
 */
public final class Arff {

  private static final CsvRows VALUES = new CsvRows('\'');

  /** An attribute: numeric, or nominal with its declared categories in order. */
  public record Attribute(String name, boolean numeric, List<String> categories) {}

  private final List<Attribute> attributes;
  private final List<Map<String, Object>> rows;

  private Arff(List<Attribute> attributes, List<Map<String, Object>> rows) {
    this.attributes = attributes;
    this.rows = rows;
  }

  public List<Attribute> attributes() {
    return attributes;
  }

  public Attribute attribute(String name) {
    return attributes.stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no attribute " + name));
  }

  /** Rows in file order; numeric values are {@link Double}, nominal ones {@link String}. */
  public List<Map<String, Object>> rows() {
    return rows;
  }

  public static Arff read(Path file) throws IOException {
    List<Attribute> attributes = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    boolean data = false;
    int lineNo = 0;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("%")) {
        continue;
      }
      String lower = line.toLowerCase(Locale.ROOT);
      if (!data && lower.startsWith("@attribute")) {
        attributes.add(parseAttribute(line.substring("@attribute".length()).strip()));
      } else if (!data && lower.startsWith("@data")) {
        data = true;
      } else if (data) {
        List<String> values = VALUES.split(line);
        if (values.size() != attributes.size()) {
          throw new IOException(
              file + ":" + lineNo + ": expected " + attributes.size() + " values");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
          Attribute a = attributes.get(i);
          String v = values.get(i);
          if (a.numeric()) {
            row.put(a.name(), Double.parseDouble(v));
          } else if (a.categories().contains(v)) {
            row.put(a.name(), v);
          } else {
            throw new IOException(file + ":" + lineNo + ": " + a.name() + " has no category " + v);
          }
        }
        rows.add(row);
      }
    }
    return new Arff(List.copyOf(attributes), List.copyOf(rows));
  }

  private static Attribute parseAttribute(String rest) throws IOException {
    int space = rest.indexOf(' ');
    String name = rest.substring(0, space);
    String type = rest.substring(space + 1).strip();
    if (type.startsWith("{")) {
      return new Attribute(name, false, VALUES.split(type.substring(1, type.lastIndexOf('}'))));
    }
    return new Attribute(name, true, List.of());
  }
}
